using System.Text.RegularExpressions;
using CaseLedger.Core;
using CaseLedger.IntegrationTests.Infrastructure;
using Microsoft.Playwright;
using Xunit.Abstractions;
using static Microsoft.Playwright.Assertions;

namespace CaseLedger.IntegrationTests.Browser;

/// <summary>
/// The auditor's page asks who you are before it reads anything: a pasted token, or on the embedded
/// default the development sign-in. It says who is signed in, offers the districts the token grants,
/// keeps the token for the tab only, and on any 401 forgets it and asks again, saying why.
/// </summary>
[Collection(LedgerCollection.Name)]
public sealed class when_someone_signs_in_to_the_audit_page(Ledger ledger, AuditWebSite site, ITestOutputHelper output)
    : IClassFixture<AuditWebSite>, IAsyncLifetime
{
    /// <summary>The seeded full vote of Sunshine Garden.</summary>
    private const string SunshineGardenVote = "0190c9a0-0000-7000-8000-000000000001";

    private AuditTab _tab = null!;

    private IPage Page => _tab.Page;

    public async Task InitializeAsync()
    {
        await site.StartAsync(ledger);
        _tab = await AuditTab.OpenAsync(site);
    }

    public async Task DisposeAsync() => await _tab.DisposeAsync();

    private ILocator SignInPanel => Page.GetByTestId("signin");

    private ILocator Reason => Page.GetByTestId("signin-reason");

    private ILocator Session => Page.GetByTestId("session");

    private ILocator DistrictOptions => Page.Locator("[data-testid=district] option");

    [Fact]
    public async Task the_page_asks_who_you_are_before_it_reads_anything()
    {
        var asked = new List<string>();
        Page.Request += (_, request) => asked.Add(new Uri(request.Url).AbsolutePath);

        await Page.GotoAsync("/audit/");

        await Expect(SignInPanel).ToBeVisibleAsync();
        await Expect(Page.GetByTestId("token-form")).ToBeVisibleAsync();
        await Expect(Page.GetByTestId("dev-form")).ToBeVisibleAsync(); // the host mints its own tokens
        await Expect(Session).ToBeHiddenAsync();
        await Expect(Page.GetByTestId("search-form")).ToBeHiddenAsync();
        await Expect(Reason).ToBeHiddenAsync();
        // Its own files and the API description (which says whether /dev/tokens exists): nothing signed in.
        asked.Where(path => !path.StartsWith("/audit/", StringComparison.Ordinal)).ShouldBe(["/openapi/v1.json"]);

        // One look at the sign-in panel, kept outside the repository.
        var screenshot = Path.Combine(Path.GetTempPath(), "caseledger-audit-sign-in.png");
        await Page.ScreenshotAsync(new PageScreenshotOptions { Path = screenshot, FullPage = true });
        output.WriteLine($"Screenshot: {screenshot}");
        _tab.ScriptErrors.ShouldBeEmpty();
    }

    [Fact]
    public async Task the_development_sign_in_says_who_is_signed_in_and_offers_the_granted_district()
    {
        await Page.GotoAsync("/audit/");

        await _tab.SignInThroughDevelopmentFormAsync("auditor-7", [Role.Auditor], [AuditWebSite.District]);

        await Expect(Page.GetByTestId("session-subject")).ToHaveTextAsync("auditor-7");
        await Expect(Page.GetByTestId("session-roles")).ToHaveTextAsync("auditor");
        await Expect(Page.GetByTestId("session-districts")).ToHaveTextAsync(AuditWebSite.District);
        await Expect(Page.GetByTestId("session-expiry")).ToHaveTextAsync(new Regex(@"^Until \d{4}-\d\d-\d\d \d\d:\d\d:\d\d UTC\+08:00$"));
        // The development token lasts 8 hours, shown as the district's civil time, not as UTC.
        var until = DateTimeOffset.ParseExact((await Page.GetByTestId("session-expiry").TextContentAsync())!["Until ".Length..^" UTC+08:00".Length] + "+08:00",
            "yyyy-MM-dd HH:mm:sszzz", System.Globalization.CultureInfo.InvariantCulture);
        (until - DateTimeOffset.UtcNow.AddHours(8)).Duration().ShouldBeLessThan(TimeSpan.FromMinutes(5));
        await Expect(DistrictOptions).ToHaveTextAsync([AuditWebSite.District]);
        await Expect(Page.GetByTestId("search-status")).ToContainTextAsync($"cases in {AuditWebSite.District}");

        // The token is kept for the tab, and never printed: not on the page, not on the console.
        var token = await _tab.StoredTokenAsync();
        token.ShouldNotBeNull();
        token.ShouldStartWith("eyJ");
        (await Page.InnerTextAsync("body")).ShouldNotContain(token);
        (await Page.GetByTestId("token-input").InputValueAsync()).ShouldBeEmpty();
        _tab.Console.ShouldAllBe(line => !line.Contains(token, StringComparison.Ordinal));
        _tab.ScriptErrors.ShouldBeEmpty();
    }

    [Fact]
    public async Task a_pasted_token_says_who_is_signed_in_by_name_roles_and_districts()
    {
        var other = ledger.NewDistrict("browser");
        var token = LedgerHost.Keys.Mint("auditor-9", [Role.Auditor, Role.Administrator], [AuditWebSite.District, other], Channel.ServiceWindow,
            TimeSpan.FromHours(1), DateTimeOffset.UtcNow, name: "Li Wei");
        await Page.GotoAsync("/audit/");

        await _tab.SignInWithTokenAsync(token);

        await Expect(Page.GetByTestId("session-subject")).ToHaveTextAsync("Li Wei (auditor-9)");
        await Expect(Page.GetByTestId("session-roles")).ToHaveTextAsync("auditor, administrator");
        await Expect(Page.GetByTestId("session-districts")).ToHaveTextAsync($"{AuditWebSite.District}, {other}");
        (await _tab.StoredTokenAsync()).ShouldBe(token);
        _tab.Console.ShouldAllBe(line => !line.Contains(token, StringComparison.Ordinal));
        _tab.ScriptErrors.ShouldBeEmpty();
    }

    [Fact]
    public async Task a_garbage_token_is_refused_and_the_sign_in_panel_says_why()
    {
        await Page.GotoAsync($"/audit/#/{AuditWebSite.District}/{SunshineGardenVote}");

        await _tab.PasteTokenAsync("this.is-not.a-token");

        await Expect(Reason).ToHaveTextAsync("The host did not accept your sign-in: The bearer token was not accepted: it is malformed.");
        await Expect(SignInPanel).ToBeVisibleAsync();
        await Expect(Session).ToBeHiddenAsync();
        await Expect(Page.GetByTestId("case-title")).ToBeHiddenAsync();
        (await _tab.StoredTokenAsync()).ShouldBeNull();
        // The shared link waits for a good sign-in.
        await Expect(Page).ToHaveURLAsync(new Regex($"#/yuelu/{SunshineGardenVote}$"));
        _tab.ScriptErrorsBesidesRefusals(401).ShouldBeEmpty();
    }

    [Fact]
    public async Task a_token_the_host_no_longer_accepts_is_forgotten_and_the_panel_says_why()
    {
        await Page.GotoAsync($"/audit/#/{AuditWebSite.District}");
        await _tab.SignInWithTokenAsync(AuditTab.AuditorToken("auditor-1", AuditWebSite.District));
        await Expect(Page.GetByTestId("result").First).ToBeVisibleAsync();

        // Hours later, the tab is opened again: the token it kept has expired.
        var expired = LedgerHost.Keys.Mint("auditor-1", [Role.Auditor], [AuditWebSite.District], Channel.ServiceWindow,
            TimeSpan.FromHours(8), DateTimeOffset.UtcNow.AddHours(-9));
        await Page.EvaluateAsync("([key, token]) => sessionStorage.setItem(key, token)", new[] { AuditTab.TokenKey, expired });
        await Page.ReloadAsync();

        await Expect(Reason).ToHaveTextAsync("The host did not accept your sign-in: The bearer token was not accepted: it has expired.");
        await Expect(SignInPanel).ToBeVisibleAsync();
        await Expect(Session).ToBeHiddenAsync();
        await Expect(Page.GetByTestId("search-form")).ToBeHiddenAsync();
        await Expect(Page.GetByTestId("error")).ToBeHiddenAsync(); // the panel says it; nothing else does
        (await _tab.StoredTokenAsync()).ShouldBeNull();
        _tab.ScriptErrorsBesidesRefusals(401).ShouldBeEmpty();
    }

    [Fact]
    public async Task an_auditor_of_two_districts_searches_both()
    {
        var other = ledger.NewDistrict("browser");
        var vote = await SampleCases.DecidedVoteAsync(ledger, other);
        await Page.GotoAsync("/audit/");
        await _tab.SignInWithTokenAsync(AuditTab.AuditorToken("auditor-2", AuditWebSite.District, other));

        // Both districts are offered, as the host names them, and nothing else.
        await Expect(DistrictOptions).ToHaveTextAsync([$"Test district {other} ({other})", AuditWebSite.District]);

        await Page.GetByTestId("district").SelectOptionAsync(AuditWebSite.District);
        await Page.GetByTestId("search-text").FillAsync("Sunshine Garden");
        await Page.GetByTestId("search-button").ClickAsync();
        await Expect(Page.Locator($"[data-testid=result][data-case-id='{SunshineGardenVote}']")).ToBeVisibleAsync();
        await Expect(Page).ToHaveURLAsync(new Regex(@"#/yuelu\?q=Sunshine\+Garden$"));

        await Page.GetByTestId("search-text").FillAsync("");
        await Page.GetByTestId("district").SelectOptionAsync(other); // choosing a district searches it
        await Expect(Page.GetByTestId("result")).ToHaveCountAsync(1);
        await Expect(Page.Locator($"[data-testid=result][data-case-id='{vote}']")).ToBeVisibleAsync();
        await Expect(Page.GetByTestId("search-status")).ToContainTextAsync($"1 case in {other}");

        await Page.Locator($"[data-testid=result][data-case-id='{vote}'] a").ClickAsync();
        await Expect(Page.GetByTestId("verification")).ToContainTextAsync("Chain intact");
        await Expect(Page.GetByTestId("timeline-row")).ToHaveCountAsync(5);
        _tab.ScriptErrors.ShouldBeEmpty();
    }

    [Fact]
    public async Task a_district_the_token_does_not_grant_is_refused_and_the_reader_stays_signed_in()
    {
        var other = ledger.NewDistrict("browser");
        var vote = await SampleCases.DecidedVoteAsync(ledger, other);
        await Page.GotoAsync($"/audit/#/{other}/{vote}");

        await _tab.SignInWithTokenAsync(AuditTab.AuditorToken("auditor-3", AuditWebSite.District));

        await Expect(Page.GetByTestId("error")).ToContainTextAsync($"Your token does not grant district '{other}'.");
        await Expect(Session).ToBeVisibleAsync(); // a 403 is not a sign-out
        await Expect(SignInPanel).ToBeHiddenAsync();
        (await _tab.StoredTokenAsync()).ShouldNotBeNull();
        _tab.ScriptErrorsBesidesRefusals(403).ShouldBeEmpty();
    }

    [Fact]
    public async Task a_role_that_may_not_read_case_records_is_told_so()
    {
        await Page.GotoAsync($"/audit/#/{AuditWebSite.District}");

        await _tab.SignInWithTokenAsync(LedgerHost.Token("owner-1", [Role.Resident], [AuditWebSite.District], Channel.OnlinePlatform));

        await Expect(Page.GetByTestId("error")).ToContainTextAsync("The search failed: Signed in as resident; this is for:");
        await Expect(Page.GetByTestId("session-roles")).ToHaveTextAsync("resident");
        await Expect(SignInPanel).ToBeHiddenAsync();
        _tab.ScriptErrorsBesidesRefusals(403).ShouldBeEmpty();
    }

    [Fact]
    public async Task signing_out_forgets_the_token()
    {
        await Page.GotoAsync($"/audit/#/{AuditWebSite.District}/{SunshineGardenVote}");
        await _tab.SignInWithTokenAsync(AuditTab.AuditorToken("auditor-4", AuditWebSite.District));
        await Expect(Page.GetByTestId("case-id")).ToHaveTextAsync(SunshineGardenVote);

        await Page.GetByTestId("sign-out").ClickAsync();

        await Expect(SignInPanel).ToBeVisibleAsync();
        await Expect(Reason).ToHaveTextAsync("You have signed out; the token is forgotten.");
        await Expect(Session).ToBeHiddenAsync();
        await Expect(Page.GetByTestId("case-title")).ToBeHiddenAsync();
        (await _tab.StoredTokenAsync()).ShouldBeNull();
        (await Page.GetByTestId("token-input").InputValueAsync()).ShouldBeEmpty();

        // Opened again, the tab has no token to sign in with: it asks.
        await Page.ReloadAsync();
        await Expect(SignInPanel).ToBeVisibleAsync();
        await Expect(Session).ToBeHiddenAsync();
        await Expect(Page.GetByTestId("case-title")).ToBeHiddenAsync();
        (await _tab.StoredTokenAsync()).ShouldBeNull();
        _tab.ScriptErrors.ShouldBeEmpty();
    }

    [Fact]
    public async Task a_host_without_the_development_sign_in_asks_only_for_a_token()
    {
        // A host with an identity provider describes no POST /dev/tokens (here its description is stood in for).
        await Page.RouteAsync("**/openapi/v1.json", route => route.FulfillAsync(new RouteFulfillOptions
        {
            Status = 200,
            ContentType = "application/json",
            Body = """{ "openapi": "3.1.1", "info": { "title": "CaseLedger", "version": "1" }, "paths": { "/districts": { "get": {} } } }""",
        }));

        await Page.GotoAsync("/audit/");

        await Expect(Page.GetByTestId("token-form")).ToBeVisibleAsync();
        await Expect(Page.GetByTestId("dev-form")).ToBeHiddenAsync();
        _tab.ScriptErrors.ShouldBeEmpty();
    }

    [Fact]
    public async Task when_the_development_sign_in_answers_404_it_is_withdrawn()
    {
        // No API description to ask, and no /dev/tokens either (both stood in for): the form is offered,
        // and the host's answer withdraws it.
        await Page.RouteAsync("**/openapi/v1.json", route => route.FulfillAsync(new RouteFulfillOptions { Status = 404 }));
        await Page.RouteAsync("**/dev/tokens", route => route.FulfillAsync(new RouteFulfillOptions
        {
            Status = 404,
            ContentType = "application/problem+json",
            Body = """{ "title": "Not found", "status": 404 }""",
        }));
        await Page.GotoAsync("/audit/");
        await Page.GetByTestId("dev-subject").FillAsync("auditor-5");
        await Page.GetByTestId("dev-districts").FillAsync(AuditWebSite.District);

        await Page.GetByTestId("dev-sign-in").ClickAsync();

        await Expect(Page.GetByTestId("dev-form")).ToBeHiddenAsync();
        await Expect(Reason).ToContainTextAsync("This host has no development sign-in");
        await Expect(Page.GetByTestId("token-form")).ToBeVisibleAsync();
        await Expect(Session).ToBeHiddenAsync();
        _tab.ScriptErrorsBesidesRefusals(404).ShouldBeEmpty();
    }
}
