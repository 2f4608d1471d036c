using System.Net;
using CaseLedger.Core;
using CaseLedger.Hosting;
using CaseLedger.IntegrationTests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;
using static CaseLedger.IntegrationTests.Infrastructure.LedgerHost;
using static Microsoft.Playwright.Assertions;

namespace CaseLedger.IntegrationTests.Browser;

/// <summary>
/// An auditor reads promised times on the page, in Debian's chromium: a work order's deadlines with a
/// countdown that ticks (the page's clock is Playwright's, moved by hand), its escalation, hand-over and
/// complaint; and the district's on-time rate by month, drawn as SVG and given as a table.
/// </summary>
[Collection(LedgerCollection.Name)]
public sealed class when_an_auditor_reads_promised_times_on_the_page(Ledger ledger, AuditWebSite site)
    : IClassFixture<AuditWebSite>, IAsyncLifetime
{
    /// <summary>Tuesday 4 March 2025, 09:00 in Shaoyang.</summary>
    private static readonly DateTimeOffset Nine = new(2025, 3, 4, 9, 0, 0, TimeSpan.FromHours(8));

    private readonly string _district = ledger.NewDistrict("promised");
    private AuditTab _tab = null!;
    private Guid _late;
    private Guid _kept;

    private IPage Page => _tab.Page;

    public async Task InitializeAsync()
    {
        await site.StartAsync(ledger);
        _tab = await AuditTab.OpenAsync(site);

        // Two metering orders at 09:00: one contacted at 09:10, one never; at 09:31 the sweep records
        // the second's contact as breached and escalates it to the team leader.
        ledger.Clock.Set(Nine);
        _late = await ReportAsync();
        _kept = await ReportAsync();
        await SendAsync(HttpMethod.Post, $"cases/{_late}/hand-overs", new
        {
            from = "VillageStation", fromOffice = "Xiangyang village station", to = "DistrictCentre", toOffice = "District centre, window 12",
            reason = "The meter needs the district's team",
        });
        await SendAsync(HttpMethod.Post, $"cases/{_late}/complaints", new { complainant = "user-0001", complaint = "Nobody called back" });
        ledger.Clock.Set(Nine.AddMinutes(10));
        await SendAsync(HttpMethod.Post, $"work-orders/{_kept}/contact", new { note = "called" });
        ledger.Clock.Set(Nine.AddMinutes(31));
        await ledger.Host.Services.GetRequiredService<DeadlineSweep>().SweepAsync(district: _district);
    }

    public async Task DisposeAsync() => await _tab.DisposeAsync();

    private async Task<Guid> ReportAsync()
    {
        var response = await SendAsync(HttpMethod.Post, "work-orders", new
        {
            reporter = "user-0001", category = "MeteringProblem", address = "12 Baoqing Road", description = "The meter runs", residentialCompound = false,
        });
        return (await ReadAsync<CommandOutcome>(response)).CaseId;
    }

    private async Task<HttpResponseMessage> SendAsync(HttpMethod method, string path, object body)
    {
        var response = await ledger.Client.SendAsync(Request(method, $"/districts/{_district}/{path}", body, actor: "service-staff-1", role: Role.Clerk));
        response.StatusCode.ShouldBeOneOf([HttpStatusCode.OK, HttpStatusCode.Created], await response.Content.ReadAsStringAsync());
        return response;
    }

    private async Task OpenSignedInAsync(string path)
    {
        await Page.GotoAsync(path);
        await _tab.SignInWithTokenAsync(AuditTab.AuditorToken("auditor-1", _district));
    }

    [Fact]
    public async Task a_case_shows_its_deadlines_counting_down_its_escalation_hand_over_and_complaint()
    {
        // The page's clock is Playwright's: stopped before the case is read, then moved by hand, so the
        // countdown shows exactly the time the host's clock left, and then that time less what was run.
        await Page.Clock.InstallAsync();
        await OpenSignedInAsync($"/audit/#/{_district}");
        await Page.Clock.PauseAtAsync(DateTime.UtcNow.AddMinutes(1));
        await Page.EvaluateAsync("hash => { location.hash = hash; }", $"#/{_district}/{_late}");

        var contact = Page.Locator("[data-testid=deadline][data-key=contact]");
        var onSite = Page.Locator("[data-testid=deadline][data-key=on-site]");
        await Expect(contact.GetByTestId("deadline-state")).ToContainTextAsync("breached");
        await Expect(onSite.GetByTestId("deadline-state")).ToContainTextAsync("due");
        await Expect(onSite.GetByTestId("deadline-left")).ToHaveTextAsync("1 h 29 min 00 s left");

        await Page.Clock.RunForAsync(61_000);
        await Expect(onSite.GetByTestId("deadline-left")).ToHaveTextAsync("1 h 27 min 59 s left");

        await Expect(Page.GetByTestId("escalation")).ToHaveTextAsync(new System.Text.RegularExpressions.Regex("Level 1: escalated to team leader"));
        await Expect(Page.GetByTestId("hand-over")).ToContainTextAsync("From Xiangyang village station (village or community station) to District centre, window 12 (district centre)");
        await Expect(Page.GetByTestId("complaint")).ToContainTextAsync("user-0001");
        await Expect(Page.GetByTestId("complaint")).ToContainTextAsync("Nobody called back");
        await Expect(Page.GetByTestId("promised-level")).ToHaveTextAsync("Accepted at the village or community station; now at the district centre.");
        _tab.ScriptErrors.ShouldBeEmpty();
    }

    [Fact]
    public async Task the_district_s_on_time_rate_by_month_is_a_chart_and_a_table_of_its_numbers()
    {
        await OpenSignedInAsync($"/audit/#/{_district}");

        // Settled: the kept order's contact (on time) and the late one's (breached); the on-site times still run.
        var march = Page.Locator("[data-testid=rate-row][data-month='2025-03'] td");
        await Expect(march).ToHaveTextAsync(["2", "1", "0", "1", "50.0%"]);
        var bar = Page.Locator("[data-testid=rate-bar][data-month='2025-03']");
        await Expect(bar).ToHaveCountAsync(1);
        await Expect(bar).ToHaveAttributeAsync("height", "80");
        await Expect(Page.GetByTestId("rate-status")).ToContainTextAsync("50.0% on time over 2 settled deadlines");
        await Expect(Page.Locator("[data-testid=rate-levels] [data-key=VillageStation]"))
            .ToHaveTextAsync("village or community station: 0.0% on time (0 of 1; 0 met late, 1 breached)");
        await Expect(Page.Locator("[data-testid=rate-levels] [data-key=DistrictCentre]"))
            .ToHaveTextAsync("district centre: 100.0% on time (1 of 1; 0 met late, 0 breached)");
        await Expect(Page.Locator("[data-testid=rate-kinds] [data-key=work-order]")).ToContainTextAsync("Service work order: 50.0% on time");
        _tab.ScriptErrors.ShouldBeEmpty();
    }
}
