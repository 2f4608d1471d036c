using System.Text.Json;
using System.Text.Json.Nodes;
using CaseLedger.Audit;
using CaseLedger.Cases.RenovationVotes;
using CaseLedger.Core;
using CaseLedger.IntegrationTests.Infrastructure;
using CaseLedger.Rules;
using Marten;
using Microsoft.Extensions.DependencyInjection;

namespace CaseLedger.IntegrationTests.Audit;

[Collection(LedgerCollection.Name)]
public sealed class when_auditing_cases(Ledger ledger) : IAsyncLifetime
{
    private readonly string _district = ledger.NewDistrict("audit");
    private readonly string _other = ledger.NewDistrict("audit-other");
    private Guid _vote;
    private Guid _otherDistrictVote;

    private IDocumentStore _store => ledger.Store;

    private CaseKinds _kinds => ledger.Host.Services.GetRequiredService<CaseKinds>();

    private RuleBook _rules => ledger.Host.Services.GetRequiredService<RuleBook>();

    public async Task InitializeAsync()
    {
        _vote = await SampleCases.DecidedVoteAsync(ledger, _district);
        _otherDistrictVote = await SampleCases.DecidedVoteAsync(ledger, _other);
        // Two more cases, so a seal's Merkle proof for the first one has siblings to check.
        await SampleCases.DecidedVoteAsync(ledger, _district);
        await SampleCases.DecidedVoteAsync(ledger, _district);
    }

    public Task DisposeAsync() => Task.CompletedTask;

    private Task<AuditPage> QueryAsync(AuditQuery query) => AuditTrail.QueryAsync(_store, query);

    [Fact]
    public async Task every_event_has_one_entry_saying_who_did_it_for_whom_and_how()
    {
        var page = await QueryAsync(new AuditQuery([_district], CaseId: _vote, OldestFirst: true));

        page.Entries.Select(e => e.Version).ShouldBe([1, 2, 3, 4, 5]);
        page.Cursor.ShouldBeNull();
        page.Count.ShouldBeNull();
        page.Entries.ShouldAllBe(e => e.Kind == "renovation-vote" && e.District == _district && e.CaseId == _vote);
        var proxy = page.Entries[2];
        proxy.Actor.ShouldBe("staff-help-7");
        proxy.OnBehalfOf.ShouldBe("O2");
        proxy.Channel.ShouldBe("Proxy");
        proxy.Summary.ShouldBe("O2 voted No for unit U2 (staff-help-7, proxy, acted on behalf of O2)");
        page.Entries.Select(e => e.Sequence).ShouldBeInOrder(SortDirection.Ascending);
    }

    [Fact]
    public async Task only_decisions_carry_the_rule_version()
    {
        var page = await QueryAsync(new AuditQuery([_district], CaseId: _vote, OldestFirst: true));

        page.Entries[0].Rule.ShouldBe("renovation-vote@2");
        page.Entries[4].Rule.ShouldBe("renovation-vote@2");
        page.Entries[4].Summary.ShouldStartWith("Vote closed and failed: owners holding at least 2/3 of the total area take part: not met");
        page.Entries.Skip(1).Take(3).ShouldAllBe(e => e.Rule == null);
    }

    [Fact]
    public async Task the_trail_filters_by_actor_type_and_time_and_pages_newest_first()
    {
        (await QueryAsync(new AuditQuery([_district], CaseId: _vote, Actor: "O3"))).Entries.ShouldHaveSingleItem().Version.ShouldBe(4);
        var byO3 = await QueryAsync(new AuditQuery([_district], Actor: "O3", Limit: 500, Count: ListCountMode.Exact));
        byO3.Entries.ShouldAllBe(e => e.Actor == "O3" && e.EventType == "renovation_vote.ballot_cast.v1");
        byO3.Entries.Count.ShouldBe(3); // one ballot in each of the district's three votes
        byO3.Count.ShouldBe(new ListCount(3, Estimated: false));
        (await QueryAsync(new AuditQuery([_district], CaseId: _vote, EventType: "renovation_vote.closed.v1"))).Entries.ShouldHaveSingleItem();

        var all = await QueryAsync(new AuditQuery([_district], CaseId: _vote, OldestFirst: true));
        var fromThird = await QueryAsync(new AuditQuery([_district], CaseId: _vote, From: all.Entries[2].Time, OldestFirst: true));
        fromThird.Entries.Select(e => e.Version).ShouldBe([3, 4, 5]);
        var beforeThird = await QueryAsync(new AuditQuery([_district], CaseId: _vote, To: all.Entries[2].Time));
        beforeThird.Entries.Select(e => e.Version).ShouldBe([2, 1]);

        var first = await QueryAsync(new AuditQuery([_district], CaseId: _vote, Limit: 2));
        first.Entries.Select(e => e.Version).ShouldBe([5, 4]);
        var second = await QueryAsync(new AuditQuery([_district], CaseId: _vote, Limit: 2, AfterSequence: first.Entries[^1].Sequence));
        second.Entries.Select(e => e.Version).ShouldBe([3, 2]);
        second.Cursor.ShouldNotBeNull();
    }

    [Fact]
    public async Task an_auditor_of_several_districts_sees_them_all_and_a_district_only_its_own()
    {
        var both = await QueryAsync(new AuditQuery([_district, _other], EventType: "renovation_vote.opened.v1", Limit: 500));
        var one = await QueryAsync(new AuditQuery([_other], EventType: "renovation_vote.opened.v1", Limit: 500));

        both.Entries.Select(e => e.CaseId).ShouldContain(_vote);
        both.Entries.Select(e => e.CaseId).ShouldContain(_otherDistrictVote);
        one.Entries.Select(e => e.CaseId).ShouldNotContain(_vote);
        one.Entries.ShouldAllBe(e => e.District == _other);
    }

    [Fact]
    public async Task a_case_is_shown_as_it_was_at_a_version_and_as_of_a_time()
    {
        var atTwo = await PointInTime.AsOfAsync(_store, _kinds, _district, _vote, new HistoryPoint(2));
        var trail = await QueryAsync(new AuditQuery([_district], CaseId: _vote, OldestFirst: true));
        var asOfThird = await PointInTime.AsOfAsync(_store, _kinds, _district, _vote, new HistoryPoint(At: trail.Entries[2].Time));

        atTwo!.Version.ShouldBe(2);
        atTwo.LatestVersion.ShouldBe(5);
        var tally = atTwo.State.ShouldBeOfType<VoteTally>();
        tally.Count.YesMembers.ShouldBe(1);
        tally.Status.ShouldBe(VoteStatus.Open);
        asOfThird!.Version.ShouldBe(3);
        asOfThird.State.ShouldBeOfType<VoteTally>().Count.NoMembers.ShouldBe(1);
    }

    [Fact]
    public async Task a_time_in_the_districts_civil_offset_is_the_same_instant_as_in_utc()
    {
        var trail = await QueryAsync(new AuditQuery([_district], CaseId: _vote, OldestFirst: true));
        var third = trail.Entries[2].Time;
        var civil = third.ToOffset(TimeSpan.FromHours(8));

        var inUtc = await PointInTime.AsOfAsync(_store, _kinds, _district, _vote, new HistoryPoint(At: third.ToUniversalTime()));
        var inCivilTime = await PointInTime.AsOfAsync(_store, _kinds, _district, _vote, new HistoryPoint(At: civil));
        var fromThird = await QueryAsync(new AuditQuery([_district], CaseId: _vote, OldestFirst: true, From: civil, To: civil.AddTicks(10)));

        inCivilTime!.Version.ShouldBe(3);
        inCivilTime.Version.ShouldBe(inUtc!.Version);
        fromThird.Entries.ShouldHaveSingleItem().Version.ShouldBe(trail.Entries[2].Version);
    }

    [Fact]
    public async Task the_difference_between_two_points_names_the_fields_and_the_events_between()
    {
        var diff = await PointInTime.DiffAsync(_store, _kinds, _district, _vote, new HistoryPoint(1), new HistoryPoint(3));

        diff!.FromVersion.ShouldBe(1);
        diff.ToVersion.ShouldBe(3);
        diff.EventsBetween.Select(e => e.Version).ShouldBe([2, 3]);
        var yes = diff.Changes.Single(c => c.Path == "count.yesMembers");
        yes.Before!.Value.GetInt32().ShouldBe(0);
        yes.After!.Value.GetInt32().ShouldBe(1);
        diff.Changes.Single(c => c.Path == "count.noMembers").After!.Value.GetInt32().ShouldBe(1);
        diff.Changes.ShouldNotContain(c => c.Path == "compoundId");
    }

    /// <summary>The public key an auditor was given: the host's seal key, without its private half.</summary>
    private SealKey PublicKey => ledger.Sealing.Key.PublicOnly();

    [Fact]
    public async Task the_state_at_each_point_carries_the_number_of_events_applied_as_its_version()
    {
        await using var session = _store.QuerySession(_district);
        var live = await session.LoadAsync<VoteTally>(_vote);
        var trail = await QueryAsync(new AuditQuery([_district], CaseId: _vote, OldestFirst: true));

        foreach (var version in new long[] { 1, 2, 5 })
        {
            var at = await PointInTime.AsOfAsync(_store, _kinds, _district, _vote, new HistoryPoint(version));
            at!.Version.ShouldBe(version);
            at.State.ShouldBeOfType<VoteTally>().Version.ShouldBe(version);
        }

        var latest = await PointInTime.AsOfAsync(_store, _kinds, _district, _vote, HistoryPoint.Latest);
        latest!.State.ShouldBeOfType<VoteTally>().Version.ShouldBe(live!.Version);
        latest.Version.ShouldBe(5);
        var asOfFourth = await PointInTime.AsOfAsync(_store, _kinds, _district, _vote, new HistoryPoint(At: trail.Entries[3].Time));
        asOfFourth!.State.ShouldBeOfType<VoteTally>().Version.ShouldBe(4);
        var beforeTheFirst = await PointInTime.AsOfAsync(_store, _kinds, _district, _vote, new HistoryPoint(At: trail.Entries[0].Time.AddDays(-1)));
        beforeTheFirst!.Version.ShouldBe(0);
        beforeTheFirst.State.ShouldBeNull();
    }

    [Fact]
    public async Task a_difference_carries_its_values_as_json_and_tells_absent_from_null()
    {
        var fromNothing = await PointInTime.DiffAsync(_store, _kinds, _district, _vote, new HistoryPoint(1), new HistoryPoint(5));
        var fromOpening = PointInTime.Compare(null, new { name = "x", note = (string?)null });

        var status = fromNothing!.Changes.Single(c => c.Path == "status");
        status.Before!.Value.ValueKind.ShouldBe(JsonValueKind.String);
        status.Before.Value.GetString().ShouldBe("Open");
        status.After!.Value.GetString().ShouldBe("Decided");
        var decidedAt = fromNothing.Changes.Single(c => c.Path == "decidedAt");
        decidedAt.Before!.Value.ValueKind.ShouldBe(JsonValueKind.Null);
        decidedAt.After!.Value.ValueKind.ShouldBe(JsonValueKind.String);
        fromOpening.Single(c => c.Path == "name").Before.ShouldBeNull();
        fromOpening.Single(c => c.Path == "note").After!.Value.ValueKind.ShouldBe(JsonValueKind.Null);
        JsonSerializer.Serialize(fromOpening.Single(c => c.Path == "name"), CaseJson.Options).ShouldBe("""{"path":"name","after":"x"}""");
    }

    [Fact]
    public async Task an_exported_bundle_verifies_offline_with_its_signed_seal_and_inclusion_proof()
    {
        var seal = (await ledger.SealAsync(_district, Votes.Start.AddDays(9))).Seal;
        var bundle = await AuditBundles.ExportAsync(_store, _kinds, _rules, _district, _vote);

        var roundTripped = JsonSerializer.Deserialize<AuditBundle>(JsonSerializer.Serialize(bundle, AuditBundle.Json), AuditBundle.Json)!;
        var result = AuditBundles.Verify(roundTripped, [PublicKey]);

        seal.ShouldNotBeNull();
        result.Valid.ShouldBeTrue(string.Join("; ", result.Problems));
        result.SealRoot.ShouldBe(seal.Statement.Root);
        result.SealedVersion.ShouldBe(5);
        result.KeyId.ShouldBe(PublicKey.KeyId);
        bundle!.Seal!.Inclusion.ShouldNotBeEmpty();
        bundle.Rules.ShouldHaveSingleItem().Version.ShouldBe("2");
        bundle.Case.Kind.ShouldBe("renovation-vote");
    }

    [Fact]
    public async Task a_bundle_with_a_changed_event_proof_or_seal_does_not_verify()
    {
        await ledger.SealAsync(_district, Votes.Start.AddDays(10));
        var bundle = (await AuditBundles.ExportAsync(_store, _kinds, _rules, _district, _vote))!;
        var json = JsonNode.Parse(JsonSerializer.Serialize(bundle, AuditBundle.Json))!;
        json["events"]![2]!["data"]!["choice"] = "Yes";
        var changedEvent = json.Deserialize<AuditBundle>(AuditBundle.Json)!;
        var changedProof = bundle with { Seal = bundle.Seal! with { Inclusion = [.. bundle.Seal.Inclusion.Select(_ => new string('a', 64))] } };
        var otherRoot = bundle with { Seal = bundle.Seal with { File = bundle.Seal.File with { Statement = bundle.Seal.File.Statement with { Root = new string('b', 64) } } } };

        var eventResult = AuditBundles.Verify(changedEvent, [PublicKey]);
        var proofResult = AuditBundles.Verify(changedProof, [PublicKey]);
        var rootResult = AuditBundles.Verify(otherRoot, [PublicKey]);

        eventResult.Valid.ShouldBeFalse();
        eventResult.Problems[0].ShouldStartWith("version 3:");
        proofResult.Valid.ShouldBeFalse();
        proofResult.Problems.ShouldContain(p => p.Contains("inclusion proof", StringComparison.Ordinal));
        rootResult.Valid.ShouldBeFalse();
        rootResult.Problems.ShouldContain(p => p.Contains("signature does not match", StringComparison.Ordinal));
    }

    [Fact]
    public async Task a_bundle_checked_with_another_key_or_with_none_does_not_verify()
    {
        await ledger.SealAsync(_district, Votes.Start.AddDays(10));
        var bundle = (await AuditBundles.ExportAsync(_store, _kinds, _rules, _district, _vote))!;
        using var another = SealKey.Generate();

        var withAnother = AuditBundles.Verify(bundle, [another.PublicOnly()]);
        var withNone = AuditBundles.Verify(bundle, []);

        withAnother.Valid.ShouldBeFalse();
        withAnother.Problems.ShouldHaveSingleItem().ShouldContain("not with the key given");
        withNone.Valid.ShouldBeFalse();
        withNone.Problems.ShouldHaveSingleItem().ShouldContain("no public key was given");
        AuditBundles.Verify(bundle, [PublicKey]).Valid.ShouldBeTrue();
    }

    [Fact]
    public async Task numbers_are_hashed_by_value_so_a_reformatted_bundle_still_verifies()
    {
        var bundle = (await AuditBundles.ExportAsync(_store, _kinds, _rules, _district, _vote))!;
        var text = JsonSerializer.Serialize(bundle, AuditBundle.Json).Replace("\"area\": 100,", "\"area\": 100.00,", StringComparison.Ordinal);

        text.ShouldContain("100.00");
        AuditBundles.Verify(JsonSerializer.Deserialize<AuditBundle>(text, AuditBundle.Json)!, [PublicKey]).Valid.ShouldBeTrue();
    }

    [Fact]
    public async Task a_bundles_documents_and_decisions_are_what_its_events_produce()
    {
        var bundle = (await AuditBundles.ExportAsync(_store, _kinds, _rules, _district, _vote))!;
        var roundTripped = JsonSerializer.Deserialize<AuditBundle>(JsonSerializer.Serialize(bundle, AuditBundle.Json), AuditBundle.Json)!;

        roundTripped.Documents!.ContainsKey("VoteTally").ShouldBeTrue();
        (await AuditBundles.RederiveAsync(roundTripped, _kinds, _rules)).ShouldBeEmpty();
    }

    [Fact]
    public async Task a_bundle_whose_tally_was_forged_says_where_it_differs_from_its_events()
    {
        var bundle = (await AuditBundles.ExportAsync(_store, _kinds, _rules, _district, _vote))!;
        var json = JsonNode.Parse(JsonSerializer.Serialize(bundle, AuditBundle.Json))!;
        json["documents"]!["VoteTally"]!["count"]!["yesMembers"] = 6;

        var problems = await AuditBundles.RederiveAsync(json.Deserialize<AuditBundle>(AuditBundle.Json)!, _kinds, _rules);

        problems.ShouldHaveSingleItem().ShouldContain($"VoteTally:{_vote:D}");
        problems[0].ShouldContain("at count.yesMembers");
    }

    [Fact]
    public async Task a_bundle_with_a_decision_changed_and_its_chain_recomputed_says_the_decision_does_not_follow()
    {
        var bundle = (await AuditBundles.ExportAsync(_store, _kinds, _rules, _district, _vote))!;
        var json = JsonNode.Parse(JsonSerializer.Serialize(bundle, AuditBundle.Json))!;
        // The close (version 5) is made to say Passed, though two of three ballots were not enough, and the
        // forger recomputes the bundle's links: the chain alone then holds.
        json["events"]![4]!["data"]!["outcome"] = "Passed";
        var forged = json.Deserialize<AuditBundle>(AuditBundle.Json)!;
        var previous = ChainHashing.Genesis;
        var links = AuditBundles.Chained(forged).Select(c => new BundleLink(c.Event.Version, previous, previous = ChainHashing.Link(previous, c.Event, c.Format))
            { Format = c.Format }).ToList();
        forged = forged with { Links = links, Head = links[^1].Hash, Seal = null };

        AuditBundles.Verify(forged, [PublicKey]).Valid.ShouldBeTrue();
        var problems = await AuditBundles.RederiveAsync(forged, _kinds, _rules);

        problems.ShouldContain(p => p.StartsWith("decision:5", StringComparison.Ordinal) && p.Contains("does not follow", StringComparison.Ordinal));
    }
}
