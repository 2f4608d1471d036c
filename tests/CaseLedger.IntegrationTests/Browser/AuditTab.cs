using CaseLedger.Core;
using CaseLedger.IntegrationTests.Infrastructure;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace CaseLedger.IntegrationTests.Browser;

/// <summary>
/// One browser tab on the auditor's page, in a context of its own (nothing shared with another test),
/// that signs in through the page as a person would, and keeps everything the page printed to its
/// console and every script error, so a test can say there were none and that no token was printed.
/// </summary>
public sealed class AuditTab : IAsyncDisposable
{
    /// <summary>Where the page keeps the token: sessionStorage, this tab only.</summary>
    public const string TokenKey = "caseledger.audit.token";

    private readonly List<string> _scriptErrors = [];
    private readonly List<string> _console = [];

    private AuditTab(IPage page)
    {
        Page = page;
        page.PageError += (_, error) => _scriptErrors.Add(error);
        page.Console += (_, message) =>
        {
            _console.Add(message.Text);
            if (message.Type == "error")
            {
                _scriptErrors.Add(message.Text);
            }
        };
    }

    public IPage Page { get; }

    /// <summary>
    /// Uncaught script errors and every error on the console, including the browser's own report of a
    /// refused request ("Failed to load resource: the server responded with a status of 401 ...").
    /// </summary>
    public IReadOnlyList<string> ScriptErrors => _scriptErrors;

    /// <summary>
    /// <see cref="ScriptErrors"/> but the browser's reports of requests the host refused with one of
    /// <paramref name="statuses"/>: a test that makes the host refuse says which refusals it expects.
    /// </summary>
    public IReadOnlyList<string> ScriptErrorsBesidesRefusals(params int[] statuses) =>
        _scriptErrors.Where(error => !statuses.Any(status =>
            error.StartsWith($"Failed to load resource: the server responded with a status of {status} ", StringComparison.Ordinal))).ToList();

    /// <summary>Everything printed to the page's console, whatever its level.</summary>
    public IReadOnlyList<string> Console => _console;

    public static async Task<AuditTab> OpenAsync(AuditWebSite site)
    {
        ArgumentNullException.ThrowIfNull(site);
        // A test machine under load is slower than a desk; waits still end as soon as the page is ready.
        SetDefaultExpectTimeout(20_000);
        var page = await site.NewPageAsync();
        page.SetDefaultTimeout(20_000);
        return new AuditTab(page);
    }

    /// <summary>A token an identity provider would issue to an auditor of <paramref name="districts"/>.</summary>
    public static string AuditorToken(string subject, params string[] districts) =>
        LedgerHost.Token(subject, [Role.Auditor], districts, Channel.ServiceWindow);

    /// <summary>Pastes <paramref name="token"/> into the sign-in panel and waits until the page says who is signed in.</summary>
    public async Task SignInWithTokenAsync(string token)
    {
        await PasteTokenAsync(token);
        await Expect(Page.GetByTestId("session")).ToBeVisibleAsync();
        await Expect(Page.GetByTestId("signin")).ToBeHiddenAsync();
    }

    /// <summary>Pastes <paramref name="token"/> into the sign-in panel and submits it, whatever the host says.</summary>
    public async Task PasteTokenAsync(string token)
    {
        await Expect(Page.GetByTestId("signin")).ToBeVisibleAsync();
        await Page.GetByTestId("token-input").FillAsync(token);
        await Page.GetByTestId("token-sign-in").ClickAsync();
    }

    /// <summary>
    /// Signs in through the page's development sign-in (<c>POST /dev/tokens</c>) as <paramref name="subject"/>
    /// in <paramref name="roles"/> for <paramref name="districts"/>, and waits until the page says who is signed in.
    /// </summary>
    public async Task SignInThroughDevelopmentFormAsync(string subject, IReadOnlyCollection<Role> roles, IReadOnlyCollection<string> districts)
    {
        ArgumentNullException.ThrowIfNull(roles);
        await Expect(Page.GetByTestId("dev-form")).ToBeVisibleAsync();
        await Page.GetByTestId("dev-subject").FillAsync(subject);
        // A partner's token names its institution, which the development sign-in does not ask for: the page offers every other role.
        foreach (var role in Roles.OfPeople.Where(r => r != Role.Partner))
        {
            await Page.GetByTestId($"dev-role-{Roles.NameOf(role)}").SetCheckedAsync(roles.Contains(role));
        }

        await Page.GetByTestId("dev-districts").FillAsync(string.Join(", ", districts));

        await Page.GetByTestId("dev-sign-in").ClickAsync();
        await Expect(Page.GetByTestId("session")).ToBeVisibleAsync();

        await Expect(Page.GetByTestId("signin")).ToBeHiddenAsync();
    }

    /// <summary>The token the page keeps for this tab, or null when it keeps none.</summary>
    public Task<string?> StoredTokenAsync() =>
        Page.EvaluateAsync<string?>("key => sessionStorage.getItem(key)", TokenKey);

    public async ValueTask DisposeAsync() => await Page.Context.CloseAsync();
}
