using CaseLedger.Audit;
using CaseLedger.Cases.BirthSupport;
using CaseLedger.Cases.CoFunding;
using CaseLedger.Cases.Certificates;
using CaseLedger.Cases.RenovationVotes;
using CaseLedger.Core;
using CaseLedger.Core.Service;
using CaseLedger.Core.Summaries;
using CaseLedger.Core.Vouching;
using CaseLedger.IntegrationTests.Infrastructure;
using Marten;
using Microsoft.Extensions.DependencyInjection;

namespace CaseLedger.IntegrationTests.Audit.Tampering;

/// <summary>
/// The tamper suite: someone with a shell on the database machine edits the store with SQL, one edit
/// per test, on a district with a case of every kind; each test names the verifier that finds the
/// edit, as docs/tamper-evidence.md's table does (the chain, verification folding the events again,
/// a receipt, the seal, the witness folder, or the next command before it decides).
/// </summary>
[Collection(LedgerCollection.Name)]
public sealed class when_the_store_is_edited_behind_the_ledgers_back(Ledger ledger)
{
    private Task<TamperBase> BaseAsync() => TamperBase.CreateAsync(ledger);

    private static async Task ChainBreaksAsync(TamperBase set, Guid caseId, long version, string what)
    {
        var result = await set.VerifyAsync(caseId);
        result.Intact.ShouldBeFalse();
        result.FirstBroken.ShouldNotBeNull().Version.ShouldBe(version);
        result.FirstBroken.What.ShouldContain(what);
        (await set.VerifyDistrictAsync()).Broken.ShouldContain(b => b.CaseId == caseId);
    }

    private static async Task FoldFindsAsync(TamperBase set, Guid caseId, string document)
    {
        var result = await set.VerifyAsync(caseId);
        result.Intact.ShouldBeFalse();
        result.FirstBroken.ShouldBeNull("the chain itself holds");
        result.Findings.ShouldContain(f => f.Document.StartsWith(document, StringComparison.Ordinal), string.Join("; ", result.Findings.Select(f => f.Document)));
        (await set.VerifyDistrictAsync()).Broken.ShouldContain(b => b.CaseId == caseId);
    }

    /// <summary>The next command on the case (a complaint, which every case takes) decides on what the events produce and records a finding.</summary>
    private async Task<CommandOutcome> NextCommandAsync(TamperBase set, Guid caseId) =>
        await ledger.Host.Services.GetRequiredService<CasePipeline>().RunCaseWideAsync(
            new CaseWideRequest(set.District, caseId, new RecordComplaint("resident-9", "Nobody called back."), SampleCases.Clerk));

    private async Task<IReadOnlyList<TamperFinding>> RecordedFindingsAsync(TamperBase set, Guid caseId)
    {
        await using var session = ledger.Store.QuerySession(set.District);
        return await session.Query<TamperFinding>().Where(f => f.CaseId == caseId).ToListAsync();
    }

    [Fact]
    public async Task an_untouched_district_of_every_kind_verifies_with_no_finding_and_every_receipt_intact()
    {
        var set = await BaseAsync();
        await set.SealAsync();

        var district = await set.VerifyDistrictAsync();

        district.AllIntact.ShouldBeTrue(string.Join("; ", district.Broken.SelectMany(b => b.Findings.Select(f => $"{f.Document}: {f.What} {f.Member}"))));
        district.Cases.ShouldBe(set.Cases.Count + 1); // and the district's seal stream
        foreach (var caseId in set.Cases)
        {
            (await set.CheckReceiptAsync(caseId)).Status.ShouldBe(Receipts.Intact);
            (await NextCommandAsync(set, caseId)).IsAccepted.ShouldBeTrue();
            (await RecordedFindingsAsync(set, caseId)).ShouldBeEmpty();
        }
    }

    [Fact]
    public async Task an_edited_summary_cell_is_found_by_district_verification_naming_the_cell_and_both_counts()
    {
        var set = await BaseAsync();
        var cells = $"{ledger.Store.Options.DatabaseSchemaName}.{SummaryStore.TableName}";
        (await ledger.ExecuteSqlAsync($"update {cells} set n = n + 5 where tenant_id = @d and summary = @s and counter = 'settled'",
            ("d", set.District), ("s", ServiceSummaries.OnTimeName))).ShouldBeGreaterThan(0);
        (await ledger.ExecuteSqlAsync($"delete from {cells} where tenant_id = @d and summary = @s",
            ("d", set.District), ("s", CoFundingSummary.SummaryName))).ShouldBeGreaterThan(0);

        var district = await set.VerifyDistrictAsync();

        district.Broken.ShouldBeEmpty("every case's chain and documents hold");
        district.AllIntact.ShouldBeFalse();
        var settled = district.SummaryFindings.Where(f => f.Summary == ServiceSummaries.OnTimeName).ToList();
        settled.ShouldNotBeEmpty();
        settled.ShouldAllBe(f => f.Counter == "settled" && f.Stored == f.Expected + 5);
        settled.ShouldContain(f => f.Dimensions.Contains("work-order"));
        var projects = district.SummaryFindings.Single(f => f.Summary == CoFundingSummary.SummaryName && f.Counter == "projects");
        (projects.Expected, projects.Stored).ShouldBe((1L, 0L));
    }

    [Fact]
    public async Task changed_event_data_is_found_by_the_chain_at_once()
    {
        var set = await BaseAsync();
        await set.SqlAsync("update caseledger.mt_events set data = jsonb_set(data, '{choice}', '\"No\"') where stream_id = @id and tenant_id = @district and version = 2", set.Vote);

        await ChainBreaksAsync(set, set.Vote, 2, "data changed");
    }

    [Theory]
    [InlineData("role", "administrator")]
    [InlineData("channel", "ServiceWindow")]
    [InlineData("on-behalf-of", "O3")]
    [InlineData("rule", "renovation-vote@1")]
    [InlineData("digests", "{}")]
    public async Task a_changed_header_of_a_ballot_is_found_by_the_chain_at_once(string header, string value)
    {
        var set = await BaseAsync();
        var json = value.StartsWith('{') ? value : $"\"{value}\"";
        (await set.SqlAsync($"update caseledger.mt_events set headers = jsonb_set(headers, '{{{header}}}', '{json}') where stream_id = @id and tenant_id = @district and version = 3",
            set.Vote)).ShouldBe(1);

        await ChainBreaksAsync(set, set.Vote, 3, "headers");
    }

    [Fact]
    public async Task a_partners_step_given_another_institution_is_found_by_the_chain_at_once()
    {
        var set = await BaseAsync();
        (await set.SqlAsync("update caseledger.mt_events set headers = jsonb_set(headers, '{institution}', '\"another-bank\"') " +
                            "where stream_id = @id and tenant_id = @district and headers ? 'institution'", TamperBase.Registration)).ShouldBe(1);

        var result = await set.VerifyAsync(TamperBase.Registration);
        result.FirstBroken.ShouldNotBeNull().What.ShouldContain("headers");
        (await set.VerifyDistrictAsync()).Broken.ShouldContain(b => b.CaseId == TamperBase.Registration);
    }

    [Fact]
    public async Task a_deadline_event_given_another_kind_is_found_by_the_chain_at_once()
    {
        var set = await BaseAsync();
        (await set.SqlAsync("update caseledger.mt_events set headers = jsonb_set(headers, '{kind}', '\"certificate-issuance\"') " +
                            "where stream_id = @id and tenant_id = @district and version = (select min(version) from caseledger.mt_events where stream_id = @id and tenant_id = @district and headers ? 'kind')",
            TamperBase.WorkOrder)).ShouldBe(1);

        (await set.VerifyAsync(TamperBase.WorkOrder)).FirstBroken.ShouldNotBeNull().What.ShouldContain("headers");
    }

    [Fact]
    public async Task a_header_added_later_is_found_by_the_chain_at_once()
    {
        var set = await BaseAsync();
        await set.SqlAsync("update caseledger.mt_events set headers = headers || '{\"approved-by\":\"the director\"}' where stream_id = @id and tenant_id = @district and version = 5", set.Vote);

        await ChainBreaksAsync(set, set.Vote, 5, "headers");
    }

    [Fact]
    public async Task an_archived_ballot_is_found_by_the_chain_at_once()
    {
        var set = await BaseAsync();
        await set.SqlAsync("update caseledger.mt_events set is_archived = true where stream_id = @id and tenant_id = @district and version = 3", set.Vote);

        await ChainBreaksAsync(set, set.Vote, 3, "archived");
    }

    [Fact]
    public async Task an_archived_case_is_found_by_verification_at_once()
    {
        var set = await BaseAsync();
        await set.SqlAsync("update caseledger.mt_streams set is_archived = true where id = @id and tenant_id = @district", TamperBase.Certificate);

        await FoldFindsAsync(set, TamperBase.Certificate, $"stream:{TamperBase.Certificate:D}");
    }

    [Fact]
    public async Task an_event_deleted_from_the_middle_is_found_by_the_chain_at_once()
    {
        var set = await BaseAsync();
        await set.SqlAsync("delete from caseledger.mt_events where stream_id = @id and tenant_id = @district and version = 3", set.Vote);

        await ChainBreaksAsync(set, set.Vote, 3, "missing");
    }

    [Fact]
    public async Task swapped_times_are_found_by_the_chain_at_once()
    {
        var set = await BaseAsync();
        await set.SqlAsync(
            "update caseledger.mt_events e set timestamp = o.timestamp from caseledger.mt_events o " +
            "where e.stream_id = @id and o.stream_id = @id and e.tenant_id = @district and o.tenant_id = @district and ((e.version = 2 and o.version = 4) or (e.version = 4 and o.version = 2))", set.Vote);

        await ChainBreaksAsync(set, set.Vote, 2, "time changed");
    }

    [Fact]
    public async Task a_changed_type_is_found_by_the_chain_at_once()
    {
        var set = await BaseAsync();
        await set.SqlAsync("update caseledger.mt_events set type = 'renovation_vote.ballot_withdrawn.v1' where stream_id = @id and tenant_id = @district and version = 4", set.Vote);

        await ChainBreaksAsync(set, set.Vote, 4, "type changed");
    }

    [Fact]
    public async Task an_event_moved_to_another_district_is_found_by_the_chain_in_both_at_once()
    {
        var set = await BaseAsync();
        var other = ledger.NewDistrictToTamperWith("moved-to");
        // A superuser sidesteps the foreign key from events to streams, as a forger with a shell would.
        (await ledger.ExecuteSqlAsync("set session_replication_role = replica; " +
                                      "update caseledger.mt_events set tenant_id = @other where stream_id = @id and version = 4 and tenant_id = @district",
            ("id", set.Vote), ("other", other), ("district", set.District))).ShouldBe(1);

        await ChainBreaksAsync(set, set.Vote, 4, "missing");
        var there = await ledger.VerifyDistrictAsync(other);
        // There, a case whose only event has no chain link and no versions before it.
        there.Broken.ShouldContain(b => b.CaseId == set.Vote && b.FirstBroken != null);
    }

    [Fact]
    public async Task cutting_the_tail_and_rewinding_the_head_is_found_by_a_receipt_and_by_the_read_models_at_once()
    {
        var set = await BaseAsync();
        await set.SqlAsync("delete from caseledger.mt_events where stream_id = @id and tenant_id = @district and version = 5; " +
                           $"delete from caseledger.mt_doc_chainlink where id = '{ChainLink.IdFor(set.Vote, 5)}'; " +
                           "update caseledger.mt_streams set version = 4 where id = @id and tenant_id = @district; " +
                           "update caseledger.mt_doc_chainhead h set data = jsonb_set(jsonb_set(h.data, '{version}', '4'), '{hash}', to_jsonb(l.data ->> 'hash')) " +
                           $"from caseledger.mt_doc_chainlink l where h.id = @id and l.id = '{ChainLink.IdFor(set.Vote, 4)}'", set.Vote);

        (await set.CheckReceiptAsync(set.Vote)).Status.ShouldBe(Receipts.CutOff);
        await FoldFindsAsync(set, set.Vote, $"VoteTally:{set.Vote:D}");
    }

    [Fact]
    public async Task a_cut_tail_is_found_by_the_seal_once_sealed()
    {
        var set = await BaseAsync();
        await set.SealAsync();
        await set.SqlAsync("delete from caseledger.mt_events where stream_id = @id and tenant_id = @district and version = 5", set.Vote);

        var result = await set.VerifyAsync(set.Vote);
        result.MatchesSeal.ShouldBe(false);
    }

    [Fact]
    public async Task an_event_changed_with_every_link_after_it_recomputed_is_found_by_a_receipt_and_by_the_seal()
    {
        var set = await BaseAsync();
        await set.SealAsync();
        await set.SqlAsync("update caseledger.mt_events set data = jsonb_set(data, '{choice}', '\"No\"') where stream_id = @id and tenant_id = @district and version = 4", set.Vote);
        await RecomputeLinksAsync(set, set.Vote);

        (await set.VerifyAsync(set.Vote)).FirstBroken.ShouldNotBeNull().What.ShouldContain("seal");
        (await set.CheckReceiptAsync(set.Vote)).Status.ShouldBe(Receipts.Altered);
    }

    [Fact]
    public async Task a_forged_state_is_found_by_verification_and_by_the_next_command_before_it_decides()
    {
        var set = await BaseAsync();
        await set.ForgeAsync(typeof(VoteTally), set.Vote.ToString());

        await FoldFindsAsync(set, set.Vote, $"VoteTally:{set.Vote:D}");
        (await NextCommandAsync(set, set.Vote)).IsAccepted.ShouldBeTrue();
        (await RecordedFindingsAsync(set, set.Vote)).ShouldContain(f => f.Document == $"VoteTally:{set.Vote:D}" && f.FoundBy == "command");
    }

    public static TheoryData<string, string> ReadModels => new()
    {
        { nameof(CertificateEligibility), TamperBase.Certificate.ToString() },
        { nameof(Certificate), TamperBase.Certificate.ToString() },
        { "CoFundingEligibility", TamperBase.CoFunded.ToString() },
        { nameof(BirthSupportClaim), TamperBase.FirstClaim.ToString() },
        { "PropertyRegistration", TamperBase.Registration.ToString() },
        { "WorkOrder", TamperBase.WorkOrder.ToString() },
        { nameof(CaseService), TamperBase.WorkOrder.ToString() },
        { "Traveller", TamperBase.Visa.ToString() },
    };

    [Theory]
    [MemberData(nameof(ReadModels))]
    public async Task each_forged_read_model_is_found_by_verification_at_once(string type, string caseId)
    {
        var set = await BaseAsync();
        var documentType = ledger.Kinds.All.SelectMany(k => k.Views.Select(v => v.Type).Append(k.StateType)).Append(typeof(CaseService)).First(t => t.Name == type);
        await set.ForgeAsync(documentType, caseId);

        await FoldFindsAsync(set, Guid.Parse(caseId), $"{type}:{caseId}");
    }

    [Fact]
    public async Task a_forged_audit_entry_is_found_by_verification_at_once()
    {
        var set = await BaseAsync();
        (await set.SqlAsync("update caseledger.mt_doc_auditentry set data = jsonb_set(data, '{summary}', '\"Nothing happened\"') " +
                            "where cast(data ->> 'caseId' as uuid) = @id and (data ->> 'version')::int = 2 and tenant_id = @district", set.Vote)).ShouldBe(1);

        await FoldFindsAsync(set, set.Vote, "AuditEntry:");
    }

    [Fact]
    public async Task a_forged_standing_ballot_and_its_forged_digest_record_are_found_by_verification_at_once()
    {
        var set = await BaseAsync();
        var ballot = MemberBallot.IdFor(set.Vote, "U1");
        await set.ForgeAsync(typeof(MemberBallot), ballot);
        await set.SqlAsync($"update caseledger.mt_doc_voucheddocument set data = jsonb_set(data, '{{digest}}', '\"00:00\"') where id = 'MemberBallot:{ballot}'", set.Vote);

        var result = await set.VerifyAsync(set.Vote);
        result.Findings.ShouldContain(f => f.Document == $"MemberBallot:{ballot}" && f.What.Contains("not what", StringComparison.Ordinal));
        result.Findings.ShouldContain(f => f.Document == $"MemberBallot:{ballot}" && f.What.Contains("digest record", StringComparison.Ordinal));
    }

    [Fact]
    public async Task forged_digests_in_the_chain_head_are_found_by_verification_at_once()
    {
        var set = await BaseAsync();
        await set.SqlAsync("update caseledger.mt_doc_chainhead set data = jsonb_set(data, '{digests,VoteTally}', '\"00000000:00\"') where id = @id and tenant_id = @district",
            set.Vote);

        await FoldFindsAsync(set, set.Vote, $"ChainHead:{set.Vote:D}");
    }

    [Fact]
    public async Task forged_household_totals_are_found_by_verification_and_by_the_next_claim_that_holds_them()
    {
        var set = await BaseAsync();
        await set.ForgeAsync(typeof(HouseholdTotals), "XT-0002");

        await FoldFindsAsync(set, TamperBase.SecondClaim, "HouseholdTotals:XT-0002");
        // A third claim of the household holds the totals: it decides on what the claims' events produce.
        var pipeline = ledger.Host.Services.GetRequiredService<CasePipeline>();
        var claim = Guid.NewGuid();
        var at = new DateTimeOffset(2025, 6, 2, 9, 0, 0, TimeSpan.FromHours(8));
        (await pipeline.ExecuteAsync(new CommandRequest(set.District, claim, new SubmitClaim("mother-xt2", "XT-0002", SupportBenefit.InfertilityTreatment, true,
            Expense: 800m), SampleCases.Clerk) { At = at })).IsAccepted.ShouldBeTrue();
        (await pipeline.ExecuteAsync(new CommandRequest(set.District, claim, new DecideClaim(), SampleCases.Clerk) { At = at.AddHours(1) })).IsAccepted.ShouldBeTrue();
        (await RecordedFindingsAsync(set, TamperBase.SecondClaim)).ShouldContain(f => f.Document == "HouseholdTotals:XT-0002" && f.FoundBy == "command");
    }

    [Fact]
    public async Task a_recorded_decision_changed_with_its_links_recomputed_is_found_by_verification_deciding_it_again()
    {
        var set = await BaseAsync();
        await set.SqlAsync("update caseledger.mt_events set data = jsonb_set(data, '{outcome}', '\"Passed\"') where stream_id = @id and tenant_id = @district and version = 5", set.Vote);
        await RecomputeLinksAsync(set, set.Vote);

        var result = await set.VerifyAsync(set.Vote);
        result.FirstBroken.ShouldBeNull("the forger recomputed the links, and no seal covers them yet");
        result.Findings.ShouldContain(f => f.Document == "decision:5");
    }

    [Fact]
    public async Task a_deleted_altered_or_added_seal_file_is_found_by_the_witness_folder_check()
    {
        var set = await BaseAsync();
        await set.SealAsync();
        await set.SqlAsync("update caseledger.mt_events set data = data where false", set.Vote); // nothing: just the base
        await set.SealAsync(); // nothing new: no second seal
        var folder = Path.Combine(ledger.Sealing.Witness.Folder, set.District);
        var first = Path.Combine(folder, "1.json");
        File.Exists(first).ShouldBeTrue();

        File.Copy(first, Path.Combine(folder, "7.json"));
        (await set.VerifyDistrictAsync()).SealProblems.ShouldContain(p => p.Contains("7.json", StringComparison.Ordinal));
        File.Delete(Path.Combine(folder, "7.json"));

        await File.WriteAllTextAsync(first, (await File.ReadAllTextAsync(first)).Replace("\"newLinks\"", "\"newLinks \"", StringComparison.Ordinal));
        (await set.VerifyDistrictAsync()).SealProblems.ShouldNotBeEmpty();

        File.Delete(first);
        (await set.VerifyDistrictAsync()).SealProblems.ShouldContain(p => p.Contains("1.json", StringComparison.Ordinal) || p.Contains("seal 1", StringComparison.Ordinal));
    }

    [Fact]
    public async Task a_stored_document_forged_into_what_its_class_cannot_read_is_found_by_verification_and_refuses_the_next_command()
    {
        var set = await BaseAsync();
        await set.SqlAsync("update caseledger.mt_doc_votetally set data = jsonb_set(data, '{route}', '\"Sideways\"') where id = @id and tenant_id = @district", set.Vote);

        await FoldFindsAsync(set, set.Vote, $"VoteTally:{set.Vote:D}");
        var next = await NextCommandAsync(set, set.Vote);
        next.Rejection.ShouldNotBeNull().Code.ShouldBe("case.document_unreadable");
        next.Appended.ShouldBeEmpty();
    }

    /// <summary>Recomputes every link of the case from its events as they stand now, as a forger who knows the published algorithm would.</summary>
    private async Task RecomputeLinksAsync(TamperBase set, Guid caseId)
    {
        var rows = await ChainVerifier.ReadEventsAsync(ledger.Store, set.District, caseId);
        await using var session = ledger.Store.LightweightSession(set.District);
        var previous = ChainHashing.Genesis;
        foreach (var row in rows.OrderBy(r => r.Chained.Version))
        {
            var hash = ChainHashing.Link(previous, row.Chained);
            var link = await session.LoadAsync<ChainLink>(ChainLink.IdFor(caseId, row.Chained.Version));
            session.Store(link! with
            {
                Previous = previous, Hash = hash, DataHash = ChainHashing.DataHash(row.Chained), MetadataHash = ChainHashing.MetadataHash(row.Chained),
            });
            previous = hash;
        }

        var head = await session.LoadAsync<ChainHead>(caseId);
        session.Store(head! with { Hash = previous });
        await session.SaveChangesAsync();
    }
}
