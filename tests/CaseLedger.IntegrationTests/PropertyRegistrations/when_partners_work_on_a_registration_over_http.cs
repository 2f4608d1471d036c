using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using CaseLedger.Audit;
using CaseLedger.Cases.PropertyRegistrations;
using CaseLedger.Core;
using CaseLedger.IntegrationTests.Infrastructure;
using Npgsql;
using static CaseLedger.IntegrationTests.Infrastructure.LedgerHost;

namespace CaseLedger.IntegrationTests.PropertyRegistrations;

// A registration case with partner institutions, over HTTP on the real host and PostgreSQL: the bank's
// clerk signs in through the bank's own channel with the bank named in the token, does its own step
// of a case that names the bank, and nothing else; the audit trail records it as the bank's.
[Collection(LedgerCollection.Name)]
public sealed class when_partners_work_on_a_registration_over_http
{
    private const string Bank = "bank-of-jilin";
    private const string Notary = "liaoyuan-notary";
    private static readonly string[] PartnerRole = ["partner"];
    private static readonly DateTimeOffset Nine = new(2025, 3, 4, 9, 0, 0, TimeSpan.FromHours(8));

    private readonly Ledger _ledger;
    private readonly string _district;
    private readonly string _other;

    public when_partners_work_on_a_registration_over_http(Ledger ledger)
    {
        _ledger = ledger;
        _district = ledger.NewDistrict("property");
        _other = ledger.NewDistrict("property-other");
        ledger.Clock.Set(Nine);
    }

    private HttpClient Client => _ledger.Host.Client;

    private static object Application(string owner = "owner-0001", params object[] partners) =>
        new { owner, propertyId = "LY-2025-0042", business = "Mortgage", partners };

    private async Task<Guid> ApplyAsync(string? district = null, params object[] partners)
    {
        district ??= _district;
        var response = await Client.SendAsync(Request(HttpMethod.Post, $"/districts/{district}/property-registrations", Application(partners: partners)));
        response.StatusCode.ShouldBe(HttpStatusCode.Created, await response.Content.ReadAsStringAsync());
        return (await ReadAsync<CommandOutcome>(response)).CaseId;
    }

    private static HttpRequestMessage AsPartner(HttpMethod method, string url, string institution, object? body = null, string? district = null,
        string actor = "bank-clerk-7")
    {
        var request = new HttpRequestMessage(method, new Uri(url, UriKind.Relative));
        if (body is not null)
        {
            request.Content = JsonContent.Create(body, options: Json);
        }

        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer",
            Token(actor, [Role.Partner], [district ?? DistrictsIn(url)[0]], Channel.Partner, institution));
        return request;
    }

    private Task<HttpResponseMessage> PartnerStepAsync(Guid id, string step, string institution, string? district = null) =>
        Client.SendAsync(AsPartner(HttpMethod.Post, $"/districts/{district ?? _district}/property-registrations/{id}/steps", institution,
            new { step, note = "Done at the partner" }));

    private Task<HttpResponseMessage> ClerkStepAsync(Guid id, string step) =>
        Client.SendAsync(Request(HttpMethod.Post, $"/districts/{_district}/property-registrations/{id}/steps", new { step, note = "Done" },
            actor: "window-clerk-1"));

    private async Task<PropertyRegistration> ViewAsync(Guid id)
    {
        var response = await Client.GetAsync($"/districts/{_district}/property-registrations/{id}");
        response.StatusCode.ShouldBe(HttpStatusCode.OK);
        return await ReadAsync<PropertyRegistration>(response);
    }

    private static async Task<string?> CodeOf(HttpResponseMessage response) =>
        (await ReadAsync<JsonElement>(response)).GetProperty("code").GetString();

    private async Task<long> EventsAsync()
    {
        await using var connection = new NpgsqlConnection(_ledger.ConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand("select count(*) from caseledger.mt_events", connection);
        return (long)(await command.ExecuteScalarAsync())!;
    }

    [Fact]
    public async Task the_bank_does_its_mortgage_step_of_a_case_it_is_party_to_and_is_recorded_as_the_bank()
    {
        var id = await ApplyAsync(partners: new { step = "MortgageRegistration", institution = Bank });

        var response = await PartnerStepAsync(id, "MortgageRegistration", Bank);

        response.StatusCode.ShouldBe(HttpStatusCode.OK, await response.Content.ReadAsStringAsync());
        (await ViewAsync(id)).Steps.Single(s => s.Step == RegistrationStep.MortgageRegistration).Done.ShouldBeTrue();
        var history = await ReadAsync<CaseHistory>(await Client.GetAsync($"/districts/{_district}/cases/{id}/events"));
        var done = history.Events[^1];
        done.Type.ShouldBe("property_registration.step_completed.v1");
        (done.Actor, done.Role, done.Institution, done.Channel).ShouldBe(("bank-clerk-7", "partner", Bank, "Partner"));
    }

    [Fact]
    public async Task a_partner_signed_in_through_the_development_sign_in_does_its_step_as_its_institution()
    {
        var id = await ApplyAsync(partners: new { step = "MortgageRegistration", institution = Bank });
        var signedIn = await Client.PostAsJsonAsync("/dev/tokens",
            new { subject = "bank-clerk-dev", roles = PartnerRole, districts = new[] { _district }, channel = "Partner", institution = Bank }, Json);
        signedIn.StatusCode.ShouldBe(HttpStatusCode.OK, await signedIn.Content.ReadAsStringAsync());
        var token = (await ReadAsync<JsonElement>(signedIn)).GetProperty("token").GetString();

        var step = new HttpRequestMessage(HttpMethod.Post, new Uri($"/districts/{_district}/property-registrations/{id}/steps", UriKind.Relative))
        {
            Content = JsonContent.Create(new { step = "MortgageRegistration", note = "Done at the bank" }, options: Json),
        };
        step.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        var response = await Client.SendAsync(step);

        response.StatusCode.ShouldBe(HttpStatusCode.OK, await response.Content.ReadAsStringAsync());
        var history = await ReadAsync<CaseHistory>(await Client.GetAsync($"/districts/{_district}/cases/{id}/events"));
        (history.Events[^1].Actor, history.Events[^1].Role, history.Events[^1].Institution).ShouldBe(("bank-clerk-dev", "partner", Bank));
    }

    [Theory]
    [InlineData("partner", null)]
    [InlineData("partner", " ")]
    [InlineData("clerk", "bank-of-jilin")]
    public async Task the_development_sign_in_names_an_institution_with_the_partner_role_and_only_with_it(string role, string? institution)
    {
        var signedIn = await Client.PostAsJsonAsync("/dev/tokens",
            new { subject = "someone", roles = new[] { role }, districts = new[] { _district }, channel = "ServiceWindow", institution }, Json);

        signedIn.StatusCode.ShouldBe(HttpStatusCode.BadRequest);
        (await CodeOf(signedIn)).ShouldBe("auth.sign_in_invalid");
    }

    [Fact]
    public async Task the_banks_worklist_holds_the_cases_that_name_it_each_with_its_own_steps_only()
    {
        var mortgage = await ApplyAsync(partners: new { step = "MortgageRegistration", institution = Bank });
        _ledger.Clock.Set(Nine.AddMinutes(5));
        var both = await ApplyAsync(partners: [new { step = "MortgageRegistration", institution = Bank }, new { step = "Notarisation", institution = Notary }]);
        await ApplyAsync(partners: new { step = "Notarisation", institution = Notary });
        await ApplyAsync(_other, new { step = "MortgageRegistration", institution = Bank });

        var response = await Client.SendAsync(AsPartner(HttpMethod.Get, $"/districts/{_district}/property-registrations/partnered", Bank));

        response.StatusCode.ShouldBe(HttpStatusCode.OK, await response.Content.ReadAsStringAsync());
        var worklist = await ReadItemsAsync<PartnerRegistrationView>(response);
        worklist.Select(c => c.Id).ShouldBe([both, mortgage], "newest first, this district's cases that name the bank");
        worklist.ShouldAllBe(c => c.YourSteps.All(s => s.Institution == Bank) && c.YourSteps.Count == 1);
        (await response.Content.ReadAsStringAsync()).ShouldNotContain("owner-0001", Case.Insensitive);
    }

    [Fact]
    public async Task the_worklist_is_a_partners_alone_takes_no_filter_and_stays_in_the_districts_the_token_grants()
    {
        var worklist = $"/districts/{_district}/property-registrations/partnered";

        var clerk = await Client.SendAsync(Request(HttpMethod.Get, worklist, actor: "window-clerk-1"));
        var filtered = await Client.SendAsync(AsPartner(HttpMethod.Get, worklist + "?institution=another-bank", Bank));
        var elsewhere = await Client.SendAsync(AsPartner(HttpMethod.Get, $"/districts/{_other}/property-registrations/partnered", Bank, district: _district));

        clerk.StatusCode.ShouldBe(HttpStatusCode.Forbidden);
        filtered.StatusCode.ShouldBe(HttpStatusCode.BadRequest);
        (await CodeOf(filtered)).ShouldBe("query.filter_unknown");
        elsewhere.StatusCode.ShouldBe(HttpStatusCode.Forbidden);
        (await CodeOf(elsewhere)).ShouldBe("auth.district_not_granted");
    }

    [Fact]
    public async Task the_bank_may_not_do_another_partners_step_nor_a_case_it_is_not_party_to_nor_another_districts()
    {
        var withNotary = await ApplyAsync(partners: [new { step = "MortgageRegistration", institution = Bank }, new { step = "Notarisation", institution = Notary }]);
        var withoutBank = await ApplyAsync(partners: new { step = "MortgageRegistration", institution = "another-bank" });
        var elsewhere = await ApplyAsync(_other, new { step = "MortgageRegistration", institution = Bank });
        var before = await EventsAsync();

        var notarys = await PartnerStepAsync(withNotary, "Notarisation", Bank);
        notarys.StatusCode.ShouldBe(HttpStatusCode.Forbidden);
        (await CodeOf(notarys)).ShouldBe("auth.not_party_to_case");
        var notParty = await PartnerStepAsync(withoutBank, "MortgageRegistration", Bank);
        notParty.StatusCode.ShouldBe(HttpStatusCode.Forbidden);
        (await CodeOf(notParty)).ShouldBe("auth.not_party_to_case");
        // A token for this district, used on the other district's case that names the bank.
        var otherDistrict = await Client.SendAsync(AsPartner(HttpMethod.Post, $"/districts/{_other}/property-registrations/{elsewhere}/steps", Bank,
            new { step = "MortgageRegistration", note = "x" }, district: _district));
        otherDistrict.StatusCode.ShouldBe(HttpStatusCode.Forbidden);
        (await CodeOf(otherDistrict)).ShouldBe("auth.district_not_granted");

        (await EventsAsync()).ShouldBe(before, "no refused partner step appends anything");
    }

    [Fact]
    public async Task a_partner_neither_opens_cases_nor_reads_the_case_nor_acts_without_naming_its_institution()
    {
        var id = await ApplyAsync(partners: new { step = "MortgageRegistration", institution = Bank });

        (await Client.SendAsync(AsPartner(HttpMethod.Post, $"/districts/{_district}/property-registrations", Bank, Application())))
            .StatusCode.ShouldBe(HttpStatusCode.Forbidden);
        (await Client.SendAsync(AsPartner(HttpMethod.Get, $"/districts/{_district}/property-registrations/{id}", Bank)))
            .StatusCode.ShouldBe(HttpStatusCode.Forbidden);
        (await Client.SendAsync(AsPartner(HttpMethod.Get, $"/districts/{_district}/property-registrations", Bank)))
            .StatusCode.ShouldBe(HttpStatusCode.Forbidden);
        (await Client.SendAsync(AsPartner(HttpMethod.Get, $"/districts/{_district}/cases/{id}/events", Bank)))
            .StatusCode.ShouldBe(HttpStatusCode.Forbidden);

        var unnamed = new HttpRequestMessage(HttpMethod.Post, new Uri($"/districts/{_district}/property-registrations/{id}/steps", UriKind.Relative))
        {
            Content = JsonContent.Create(new { step = "MortgageRegistration", note = "x" }, options: Json),
        };
        unnamed.Headers.Authorization = new AuthenticationHeaderValue("Bearer", Token("bank-clerk-7", [Role.Partner], [_district], Channel.Partner));
        var refused = await Client.SendAsync(unnamed);
        refused.StatusCode.ShouldBe(HttpStatusCode.Unauthorized);
        (await CodeOf(refused)).ShouldBe("auth.token_invalid");
    }

    [Fact]
    public async Task a_partner_sees_only_its_own_steps_of_a_case_that_names_it_and_never_the_owner()
    {
        var id = await ApplyAsync(partners: [new { step = "MortgageRegistration", institution = Bank }, new { step = "Notarisation", institution = Notary }]);

        var response = await Client.SendAsync(AsPartner(HttpMethod.Get, $"/districts/{_district}/property-registrations/{id}/partner-view", Bank));
        response.StatusCode.ShouldBe(HttpStatusCode.OK);
        var body = await response.Content.ReadAsStringAsync();
        body.ShouldNotContain("owner-0001");
        var seen = JsonSerializer.Deserialize<PartnerRegistrationView>(body, Json)!;
        seen.YourSteps.Select(s => s.Step).ShouldBe([RegistrationStep.MortgageRegistration]);

        var stranger = await Client.SendAsync(AsPartner(HttpMethod.Get, $"/districts/{_district}/property-registrations/{id}/partner-view", "another-bank"));
        stranger.StatusCode.ShouldBe(HttpStatusCode.Forbidden);
        (await CodeOf(stranger)).ShouldBe("auth.not_party_to_case");
    }

    [Fact]
    public async Task the_window_clerk_and_the_bank_complete_the_case_in_any_order_and_the_figures_count_it()
    {
        var id = await ApplyAsync(partners: new { step = "MortgageRegistration", institution = Bank });
        var theBanks = await ClerkStepAsync(id, "MortgageRegistration");
        theBanks.StatusCode.ShouldBe(HttpStatusCode.Forbidden);
        (await CodeOf(theBanks)).ShouldBe("property_registration.partners_own_step");

        foreach (var step in new[] { "CertificatePrinting", "Fee", "Acceptance", "Review" })
        {
            _ledger.Clock.Advance(TimeSpan.FromMinutes(3));
            (await ClerkStepAsync(id, step)).StatusCode.ShouldBe(HttpStatusCode.OK);
        }

        _ledger.Clock.Advance(TimeSpan.FromMinutes(3));
        (await PartnerStepAsync(id, "MortgageRegistration", Bank)).StatusCode.ShouldBe(HttpStatusCode.OK);

        var done = await ViewAsync(id);
        done.Status.ShouldBe(RegistrationStatus.Completed);
        done.CompletionMinutes.ShouldBe(15m);
        done.AtTheFastest.ShouldBe(true);
        done.SameDayPromise.ShouldBe("met");
        var times = await ReadItemsAsync<CompletionTime>(await Client.GetAsync($"/districts/{_district}/property-registrations/completion-times"));
        times.ShouldHaveSingleItem().Minutes.ShouldBe(15m);
        var days = await ReadAsync<List<SameDayRow>>(await Client.GetAsync($"/districts/{_district}/property-registrations/same-day-rate"));
        days.ShouldHaveSingleItem().ShouldBe(new SameDayRow("2025-03-04", 1, 1, 1m, 1, 15m));
        // The same-day promise counts in the district's on-time rate across kinds, like every kind's.
        var district = await ReadAsync<CaseLedger.Core.Service.DistrictOnTimeRate>(await Client.GetAsync($"/districts/{_district}/on-time-rate"));
        district.ByKind.Single(k => k.Key == PropertyRegistrationKind.KindName).ShouldBe(new CaseLedger.Core.Service.OnTimeCount(
            PropertyRegistrationKind.KindName, 1, 1, 0, 0, 1m));
    }

    [Fact]
    public async Task an_owner_applies_online_and_reads_their_own_case_but_not_anothers()
    {
        var response = await Client.SendAsync(Request(HttpMethod.Post, $"/districts/{_district}/property-registrations",
            Application("owner-0007"), actor: "owner-0007", channel: "OnlinePlatform"));
        response.StatusCode.ShouldBe(HttpStatusCode.Created);
        var id = (await ReadAsync<CommandOutcome>(response)).CaseId;

        var own = await Client.SendAsync(Request(HttpMethod.Get, $"/districts/{_district}/property-registrations/{id}", actor: "owner-0007", channel: "OnlinePlatform"));
        own.StatusCode.ShouldBe(HttpStatusCode.OK);
        (await ReadAsync<PropertyRegistration>(own)).Status.ShouldBe(RegistrationStatus.InProgress);
        (await Client.SendAsync(Request(HttpMethod.Get, $"/districts/{_district}/property-registrations/{id}", actor: "owner-0008", channel: "OnlinePlatform")))
            .StatusCode.ShouldBe(HttpStatusCode.Forbidden);
        var forSomeoneElse = await Client.SendAsync(Request(HttpMethod.Post, $"/districts/{_district}/property-registrations",
            Application("owner-0009"), actor: "owner-0007", channel: "OnlinePlatform"));
        (await CodeOf(forSomeoneElse)).ShouldBe("auth.not_your_own");
    }

    [Fact]
    public async Task bad_input_gets_problem_details_with_stable_codes_and_appends_nothing()
    {
        var id = await ApplyAsync();
        var before = await EventsAsync();

        async Task Refused(HttpResponseMessage response, HttpStatusCode status, string code)
        {
            response.StatusCode.ShouldBe(status);
            (await CodeOf(response)).ShouldBe(code);
        }

        await Refused(await Client.SendAsync(Request(HttpMethod.Post, $"/districts/{_district}/property-registrations",
            new { owner = "o", propertyId = "p", business = "Mortgage", partners = new[] { new { step = "Review", institution = Bank } } })),
            HttpStatusCode.BadRequest, "property_registration.not_a_partner_step");
        await Refused(await Client.SendAsync(Request(HttpMethod.Post, $"/districts/{_district}/property-registrations",
            new { owner = "o", propertyId = "p", business = "Mortgage" })), HttpStatusCode.BadRequest, "request.body_invalid");
        await Refused(await Client.SendAsync(Request(HttpMethod.Post, $"/districts/{_district}/property-registrations/{id}/steps",
            new { step = "Sideways", note = "x" })), HttpStatusCode.BadRequest, "request.body_invalid");
        await Refused(await ClerkStepAsync(id, "CourtRuling"), HttpStatusCode.UnprocessableEntity, "property_registration.step_not_required");

        (await EventsAsync()).ShouldBe(before);
    }
}
