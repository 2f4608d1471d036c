using System.Text.Json;
using System.Text.RegularExpressions;
using CaseLedger.Core;
using CaseLedger.IntegrationTests.Infrastructure;
using Microsoft.Playwright;
using Xunit.Abstractions;
using static Microsoft.Playwright.Assertions;

namespace CaseLedger.IntegrationTests.Browser;

/// <summary>
/// An auditor uses the pages the host serves at /audit/, in Debian's chromium, against the seeded demo
/// district: signs in, finds a case, reads its timeline, steps through its history and checks its chain.
/// Shared links are opened before signing in, as a colleague's link would be: the page asks who you
/// are and then opens the address.
/// </summary>
[Collection(LedgerCollection.Name)]
public sealed class when_an_auditor_uses_the_web_page(Ledger ledger, AuditWebSite site, ITestOutputHelper output)
    : IClassFixture<AuditWebSite>, IAsyncLifetime
{
    /// <summary>The seeded full vote of Sunshine Garden: 702 units, 675 ballots, 677 events.</summary>
    private const string SunshineGardenVote = "0190c9a0-0000-7000-8000-000000000001";

    private AuditTab _tab = null!;

    private IPage Page => _tab.Page;

    private IReadOnlyList<string> ScriptErrors => _tab.ScriptErrors;

    public async Task InitializeAsync()
    {
        await site.StartAsync(ledger);
        _tab = await AuditTab.OpenAsync(site);
    }

    public async Task DisposeAsync() => await _tab.DisposeAsync();

    /// <summary>Opens <paramref name="path"/> and signs in there with an auditor's token for <paramref name="district"/>.</summary>
    private async Task OpenSignedInAsync(string path, string district = AuditWebSite.District)
    {
        await Page.GotoAsync(path);
        await _tab.SignInWithTokenAsync(AuditTab.AuditorToken("auditor-1", district));
    }

    private static string CasePath(string caseId, int? version = null, string district = AuditWebSite.District) =>
        $"/audit/#/{district}/{caseId}" + (version is { } v ? $"?version={v}" : "");

    private ILocator Row(int version) => Page.Locator($"[data-testid=timeline-row][data-version='{version}']");

    private ILocator StateField(string path) => Page.Locator($"[data-testid=state] dd[data-path='{path}']");

    private ILocator Change(string path) => Page.Locator($"[data-testid=change][data-path='{path}']");

    [Fact]
    public async Task searching_finds_the_seeded_sunshine_garden_vote_and_opens_it()
    {
        await Page.GotoAsync("/");

        await Expect(Page).ToHaveURLAsync(new Regex("/audit/"));
        await _tab.SignInThroughDevelopmentFormAsync("auditor-1", [Role.Auditor], [AuditWebSite.District]);
        await Expect(Page.GetByTestId("district")).ToHaveValueAsync(AuditWebSite.District);
        await Page.GetByTestId("search-text").FillAsync("Sunshine Garden");
        await Page.GetByTestId("kind").SelectOptionAsync("renovation-vote");
        await Page.GetByTestId("search-button").ClickAsync();

        var vote = Page.Locator($"[data-testid=result][data-case-id='{SunshineGardenVote}']");
        await Expect(vote).ToContainTextAsync("Facade renewal and roof waterproofing");
        await Expect(vote).ToContainTextAsync("Renovation vote");
        await Expect(Page.GetByTestId("result")).ToHaveCountAsync(2); // the facade vote and the fire-safety vote
        await vote.GetByRole(AriaRole.Link).ClickAsync();

        await Expect(Page).ToHaveURLAsync(new Regex($"#/yuelu/{SunshineGardenVote}"));
        await Expect(Page.GetByTestId("case-title")).ToContainTextAsync("Vote opened for Sunshine Garden");
        await Expect(Page.GetByTestId("case-id")).ToHaveTextAsync(SunshineGardenVote);

        // Back returns to the same search, forward to the case: the address holds both.
        await Page.GoBackAsync();
        await Expect(Page.GetByTestId("search-text")).ToHaveValueAsync("Sunshine Garden");
        await Expect(vote).ToBeVisibleAsync();
        await Page.GoForwardAsync();
        await Expect(Page.GetByTestId("case-kind")).ToHaveTextAsync("Renovation vote");
        ScriptErrors.ShouldBeEmpty();
    }

    [Fact]
    public async Task a_registration_shows_its_kind_and_a_partners_step_as_done_by_its_institution_through_its_own_channel()
    {
        // The seeded mortgage registration: applied at the window, the bank registers the mortgage first.
        await OpenSignedInAsync(CasePath("0195b000-0000-7000-8000-000000000602"));

        await Expect(Page.GetByTestId("case-kind")).ToHaveTextAsync("Property registration");
        var bank = Row(3);
        await Expect(bank.GetByTestId("actor")).ToHaveTextAsync("bank-of-jilin-liaoyuan-clerk-1 (partner, bank-of-jilin-liaoyuan)");
        await Expect(bank.GetByTestId("channel")).ToHaveTextAsync("Partner");
        await Expect(bank.GetByTestId("summary")).ToHaveTextAsync("MortgageRegistration done by bank-of-jilin-liaoyuan");
        await Expect(Row(4).GetByTestId("actor")).ToHaveTextAsync("yuelu-registration-window-03");
        ScriptErrors.ShouldBeEmpty();
    }

    [Fact]
    public async Task the_timeline_says_who_acted_for_whom_through_which_channel_under_which_rule()
    {
        await OpenSignedInAsync(CasePath(SunshineGardenVote));

        await Expect(Page.GetByTestId("timeline-row")).ToHaveCountAsync(677);
        var opened = Row(1);
        await Expect(opened.GetByTestId("actor")).ToHaveTextAsync("clerk-yuelu-017");
        await Expect(opened.GetByTestId("channel")).ToHaveTextAsync("OnlinePlatform");
        await Expect(opened.GetByTestId("event-type")).ToHaveTextAsync("renovation_vote.opened.v1");
        await Expect(opened.GetByTestId("rule")).ToHaveTextAsync("renovation-vote@2");

        // A ballot cast at the help desk: the staff member acted, on the owner's behalf, and the sentence names both.
        var proxy = Row(21);
        await Expect(proxy.GetByTestId("actor")).ToHaveTextAsync("staff-help-and-handle-01");
        await Expect(proxy.GetByTestId("on-behalf-of")).ToHaveTextAsync("sg-owner-0043");
        await Expect(proxy.GetByTestId("channel")).ToHaveTextAsync("Proxy");
        await Expect(proxy.GetByTestId("summary"))
            .ToHaveTextAsync("sg-owner-0043 voted Yes for unit B1-0801 (staff-help-and-handle-01, proxy, acted on behalf of sg-owner-0043)");
        await Expect(proxy.GetByTestId("rule")).ToHaveTextAsync("\u2014"); // a ballot is not a decision

        var closed = Row(677);
        await Expect(closed.GetByTestId("event-type")).ToHaveTextAsync("renovation_vote.closed.v1");
        await Expect(closed.GetByTestId("channel")).ToHaveTextAsync("ServiceWindow");
        await Expect(closed.GetByTestId("rule")).ToHaveTextAsync("renovation-vote@2");
        await Expect(closed.GetByTestId("summary")).ToContainTextAsync("Vote closed and passed");
        ScriptErrors.ShouldBeEmpty();
    }

    [Fact]
    public async Task moving_to_version_2_shows_the_state_then_and_what_changed()
    {
        await OpenSignedInAsync(CasePath(SunshineGardenVote));
        await Expect(Page.GetByTestId("version-label")).ToHaveTextAsync("Version 677 of 677");
        await Expect(StateField("status")).ToHaveTextAsync("Decided");

        await Page.GetByTestId("first").ClickAsync();
        await Expect(Page.GetByTestId("version-label")).ToHaveTextAsync("Version 1 of 677");
        await Expect(StateField("ballotEvents")).ToHaveTextAsync("0");
        // A time in the state reads in the district's civil time, like every other on the page (the exact value in its title).
        await Expect(StateField("opensAt").Locator("time")).ToHaveTextAsync(new Regex(@"^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d$"));
        await Expect(StateField("opensAt").Locator("time")).ToHaveAttributeAsync("title", new Regex(@"\+08:00$"));
        await Expect(Page.GetByTestId("changes-note")).ToContainTextAsync("Version 1 opened the case");
        await Expect(Page.GetByTestId("previous")).ToBeDisabledAsync();

        await Page.GetByTestId("next").ClickAsync();
        await Expect(Page.GetByTestId("version-label")).ToHaveTextAsync("Version 2 of 677");
        await Expect(Page).ToHaveURLAsync(new Regex(@"\?version=2$"));
        await Expect(Page.GetByTestId("version-slider")).ToHaveValueAsync("2");
        await Expect(Page.GetByTestId("event-actor")).ToHaveTextAsync("sg-owner-0594");
        // One ballot so far, and the fields it changed are listed with before and after.
        await Expect(StateField("ballotEvents")).ToHaveTextAsync("1");
        await Expect(StateField("count.yesMembers")).ToHaveTextAsync("1");
        await Expect(StateField("status")).ToHaveTextAsync("Open");
        var yesMembers = Change("count.yesMembers").Locator("td");
        await Expect(yesMembers).ToHaveTextAsync(["count.yesMembers", "0", "1"]);
        await Expect(Row(2)).ToHaveClassAsync(new Regex(@"\bselected\b"));
        ScriptErrors.ShouldBeEmpty();
    }

    [Fact]
    public async Task a_shared_link_opens_the_case_at_its_version()
    {
        await Page.GotoAsync(CasePath(SunshineGardenVote, 21));
        await Expect(Page.GetByTestId("case-title")).ToBeHiddenAsync(); // nothing of the case before signing in
        await _tab.SignInWithTokenAsync(AuditTab.AuditorToken("auditor-1", AuditWebSite.District));
        await Expect(Page).ToHaveURLAsync(new Regex($@"#/yuelu/{SunshineGardenVote}\?version=21$"));

        await Expect(Page.GetByTestId("version-label")).ToHaveTextAsync("Version 21 of 677");
        await Expect(Page.GetByTestId("event-actor")).ToHaveTextAsync("staff-help-and-handle-01");
        await Expect(Page.GetByTestId("event-on-behalf-of")).ToHaveTextAsync("sg-owner-0043");
        await Expect(Page.GetByTestId("event-channel")).ToHaveTextAsync("Proxy");
        await Expect(StateField("ballotEvents")).ToHaveTextAsync("20");
        await Expect(Page.GetByTestId("bundle-link"))
            .ToHaveAttributeAsync("href", $"/districts/{AuditWebSite.District}/cases/{SunshineGardenVote}/bundle");
        ScriptErrors.ShouldBeEmpty();
    }

    [Fact]
    public async Task the_badge_says_the_chain_is_intact_and_sealed()
    {
        await OpenSignedInAsync(CasePath(SunshineGardenVote));

        var badge = Page.GetByTestId("verification");
        await Expect(badge).ToHaveTextAsync(new Regex("^Chain intact \u2014 677 events, sealed in seal [0-9]+$"));
        await Expect(badge).ToHaveClassAsync(new Regex(@"\bintact\b"));
        ScriptErrors.ShouldBeEmpty();
    }

    [Fact]
    public async Task the_offline_bundle_downloads_with_the_signed_in_token()
    {
        await OpenSignedInAsync(CasePath(SunshineGardenVote));
        await Expect(Page.GetByTestId("version-label")).ToHaveTextAsync("Version 677 of 677");

        // A link cannot carry the token; the page fetches the bundle with it and saves what came back.
        var download = await Page.RunAndWaitForDownloadAsync(() => Page.GetByTestId("bundle-link").ClickAsync());

        download.SuggestedFilename.ShouldBe($"caseledger-{AuditWebSite.District}-{SunshineGardenVote}.json");
        var saved = await download.PathAsync();
        using var bundle = JsonDocument.Parse(await File.ReadAllTextAsync(saved));
        bundle.RootElement.ValueKind.ShouldBe(JsonValueKind.Object);
        bundle.RootElement.GetRawText().ShouldContain(SunshineGardenVote);
        ScriptErrors.ShouldBeEmpty();
    }

    [Fact]
    public async Task a_case_lists_the_receipts_its_writes_were_answered_with_to_download()
    {
        var district = ledger.NewDistrict("browser-receipts");
        var vote = await SampleCases.DecidedVoteAsync(ledger, district);
        await OpenSignedInAsync(CasePath(vote.ToString(), district: district), district);

        var rows = Page.GetByTestId("receipt-row");
        await Expect(rows).ToHaveCountAsync(5);
        await Expect(rows.First).ToHaveAttributeAsync("data-version", "5");
        await Expect(Page.GetByTestId("receipts-status")).ToHaveTextAsync("5 receipt(s), newest first.");

        var download = await Page.RunAndWaitForDownloadAsync(() => rows.First.GetByRole(AriaRole.Link, new() { Name = "Download" }).ClickAsync());
        download.SuggestedFilename.ShouldBe($"caseledger-receipt-{district}-{vote}-v5.json");
        var (receipt, problem) = CaseLedger.Audit.Receipts.Parse(await File.ReadAllTextAsync((await download.PathAsync())!));
        problem.ShouldBeNull();
        CaseLedger.Audit.Receipts.CheckSignature(receipt!, [ledger.Sealing.Key.PublicOnly()]).ShouldBeNull();
        ScriptErrors.ShouldBeEmpty();
    }

    [Fact]
    public async Task a_forged_tally_shows_as_a_stored_document_that_differs_from_the_events()
    {
        var district = ledger.NewDistrictToTamperWith("browser-forged");
        var vote = await SampleCases.DecidedVoteAsync(ledger, district);
        (await ledger.ExecuteSqlAsync("update caseledger.mt_doc_votetally set data = jsonb_set(data, '{count,yesMembers}', '6') " +
                                      "where id = @id and tenant_id = @district", ("id", vote), ("district", district))).ShouldBe(1);

        await OpenSignedInAsync(CasePath(vote.ToString(), district: district), district);

        var badge = Page.GetByTestId("verification");
        await Expect(badge).ToHaveTextAsync(new Regex("^Chain intact, but 1 stored document\\(s\\) differ from what the events produce$"));
        await Expect(badge).ToHaveClassAsync(new Regex(@"\bbroken\b"));
        await Expect(Page.GetByTestId("verification-detail")).ToContainTextAsync($"VoteTally:{vote}");
        ScriptErrors.ShouldBeEmpty();
    }

    [Fact]
    public async Task a_case_rewritten_behind_the_ledgers_back_shows_where_its_chain_breaks()
    {
        // A vote of its own district, so rewriting it disturbs no other test.
        var district = ledger.NewDistrictToTamperWith("browser");
        var vote = await SampleCases.DecidedVoteAsync(ledger, district);
        await OpenSignedInAsync(CasePath(vote.ToString(), district: district), district);
        var badge = Page.GetByTestId("verification");
        await Expect(badge).ToContainTextAsync("Chain intact");

        var changed = await ledger.ExecuteSqlAsync(
            "update caseledger.mt_events set data = jsonb_set(data, '{choice}', '\"No\"') " +
            "where stream_id = @id and tenant_id = @district and version = 2", ("id", vote), ("district", district));
        changed.ShouldBe(1);
        await Page.ReloadAsync(); // still signed in: the tab keeps its token

        await Expect(badge).ToHaveTextAsync("BROKEN at version 2: the event's data changed");
        await Expect(badge).ToHaveClassAsync(new Regex(@"\bbroken\b"));
        await Expect(Row(2)).ToHaveClassAsync(new Regex(@"\bbroken\b"));
        await Expect(Page.GetByTestId("verification-detail")).ToContainTextAsync("Recorded when appended");

        // One look at the rendered page, kept outside the repository.
        var screenshot = Path.Combine(Path.GetTempPath(), "caseledger-audit-broken-chain.png");
        var png = await Page.ScreenshotAsync(new PageScreenshotOptions { Path = screenshot, FullPage = true });
        output.WriteLine($"Screenshot: {screenshot}");
        png.Length.ShouldBeGreaterThan(10_000);
        png.Take(8).ShouldBe(new byte[] { 0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A }); // a PNG
        ScriptErrors.ShouldBeEmpty();
    }
}
