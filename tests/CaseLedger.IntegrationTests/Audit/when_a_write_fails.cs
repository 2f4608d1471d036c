using System.Text.Json;
using CaseLedger.Cases.RenovationVotes;
using CaseLedger.Core;
using CaseLedger.IntegrationTests.Infrastructure;
using Marten;
using JasperFx.Events;
using Npgsql;
using static CaseLedger.IntegrationTests.Infrastructure.LedgerHost;

namespace CaseLedger.IntegrationTests.Audit;

/// <summary>
/// A write that fails after Marten took event sequence numbers for it (a lost race, a stale version,
/// a failure inside PostgreSQL) makes Marten write "tombstone" events to keep the sequence contiguous.
/// Those are not history: verification must not cry tampering over them, and must still report every
/// real deletion.
/// </summary>
[Collection(LedgerCollection.Name)]
public sealed class when_a_write_fails(Ledger ledger)
{
    private readonly string _district = ledger.NewDistrictToTamperWith("failed-write");

    /// <summary>A ballot as the pipeline would record it, to append behind the pipeline's back.</summary>
    private static BallotWithdrawn AnyEvent(Guid vote) => new(vote, "U1", "O1", "O1", 100m, BallotChoice.Yes, Votes.Start.AddHours(2));

    private async Task<long> CountAsync(string sql, Guid? caseId = null)
    {
        await using var connection = new NpgsqlConnection(ledger.ConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        command.Parameters.AddWithValue("district", _district);
        command.Parameters.AddWithValue("id", caseId ?? Guid.Empty);
        return (long)(await command.ExecuteScalarAsync())!;
    }

    private Task<long> TombstonesAsync() => CountAsync("select count(*) from caseledger.mt_events where tenant_id = @district and type = 'tombstone'");

    /// <summary>
    /// Waits until Marten has written at least <paramref name="expected"/> tombstones in the district:
    /// it posts them from a background queue once the failed transaction has rolled back.
    /// </summary>
    private async Task WaitForTombstonesAsync(long expected)
    {
        for (var attempt = 0; attempt < 300 && await TombstonesAsync() < expected; attempt++)
        {
            await Task.Delay(100);
        }

        (await TombstonesAsync()).ShouldBeGreaterThanOrEqualTo(expected, "Marten writes a tombstone for each sequence number a failed write took");
    }

    [Fact]
    public async Task opening_a_case_that_already_exists_fails_and_leaves_tombstones_but_no_alarm()
    {
        var vote = await SampleCases.DecidedVoteAsync(ledger, _district);

        // What two clients opening the same case id at once end in: the second insert of the stream fails
        // inside PostgreSQL, after its events were given sequence numbers.
        await using (var session = ledger.Store.LightweightSession(_district))
        {
            session.Events.StartStream(vote, AnyEvent(vote), AnyEvent(vote));
            await Should.ThrowAsync<Marten.Exceptions.ExistingStreamIdCollisionException>(() => session.SaveChangesAsync());
        }

        await WaitForTombstonesAsync(2);
        var district = await ledger.VerifyDistrictAsync(_district);
        var theCase = await ledger.VerifyCaseAsync(_district, vote);

        district.AllIntact.ShouldBeTrue(JsonSerializer.Serialize(district));
        district.Broken.ShouldBeEmpty();
        district.Cases.ShouldBe(1, "the tombstones' stream is no case");
        district.FailedWrites.ShouldBe(2);
        theCase!.Intact.ShouldBeTrue();
        theCase.Events.ShouldBe(5);
    }

    [Fact]
    public async Task an_append_on_a_stale_version_fails_and_leaves_tombstones_but_no_alarm()
    {
        var vote = await SampleCases.DecidedVoteAsync(ledger, _district);

        await using (var session = ledger.Store.LightweightSession(_district))
        {
            session.Events.Append(vote, 3, AnyEvent(vote));
            await Should.ThrowAsync<EventStreamUnexpectedMaxEventIdException>(() => session.SaveChangesAsync());
        }

        await WaitForTombstonesAsync(1);
        var district = await ledger.VerifyDistrictAsync(_district);

        district.AllIntact.ShouldBeTrue(JsonSerializer.Serialize(district));
        district.FailedWrites.ShouldBe(1);
    }

    [Fact]
    public async Task a_command_that_fails_inside_postgresql_leaves_no_alarm_over_http()
    {
        await SampleCases.DecidedVoteAsync(ledger, _district);
        const string History = "select count(*) from caseledger.mt_events where tenant_id = @district and type <> 'tombstone'";
        var before = await CountAsync(History);
        var trigger = $"fail_{_district.Replace('-', '_')}";
        // Any failure inside the database after the events took their numbers (a full disk, a timeout, a
        // value PostgreSQL refuses) does the same; a trigger makes one on demand, for this district only.
        await ledger.ExecuteSqlAsync(
            $"create function caseledger.{trigger}() returns trigger language plpgsql as $$ begin raise exception 'the disk is full (test)'; end $$; " +
            $"create trigger {trigger} before insert on caseledger.mt_events for each row " +
            $"when (new.tenant_id = '{_district}' and new.type <> 'tombstone') execute function caseledger.{trigger}()");
        HttpResponseMessage response;
        try
        {
            response = await ledger.Client.SendAsync(Request(HttpMethod.Post, $"/districts/{_district}/renovation-votes", new
            {
                compoundId = "compound-9",
                compoundName = "Test Compound",
                proposal = new { description = "Lift renewal", amount = 300_000m },
                roll = Votes.SixUnits(),
                opensAt = Votes.Start,
                closesAt = Votes.Start.AddDays(7),
            }));
        }
        finally
        {
            await ledger.ExecuteSqlAsync($"drop trigger {trigger} on caseledger.mt_events; drop function caseledger.{trigger}()");
        }

        response.IsSuccessStatusCode.ShouldBeFalse();
        await WaitForTombstonesAsync(1);
        var verification = await ReadAsync<JsonElement>(await ledger.Client.GetAsync($"/districts/{_district}/verification"));

        verification.GetProperty("allIntact").GetBoolean().ShouldBeTrue(verification.ToString());
        verification.GetProperty("failedWrites").GetInt32().ShouldBeGreaterThanOrEqualTo(1);
        verification.GetProperty("cases").GetInt32().ShouldBe(1);
        (await CountAsync(History)).ShouldBe(before, "the failed command appended nothing");
    }

    [Fact]
    public async Task a_real_deletion_beside_the_tombstones_is_still_reported()
    {
        var vote = await SampleCases.DecidedVoteAsync(ledger, _district);
        await using (var session = ledger.Store.LightweightSession(_district))
        {
            session.Events.Append(vote, 2, AnyEvent(vote));
            await Should.ThrowAsync<EventStreamUnexpectedMaxEventIdException>(() => session.SaveChangesAsync());
        }

        await WaitForTombstonesAsync(1);

        (await ledger.ExecuteSqlAsync("delete from caseledger.mt_events where stream_id = @id and version = 2", ("id", vote))).ShouldBe(1);

        var district = await ledger.VerifyDistrictAsync(_district);
        district.AllIntact.ShouldBeFalse();
        district.FailedWrites.ShouldBe(1);
        var broken = district.Broken.ShouldHaveSingleItem();
        broken.CaseId.ShouldBe(vote);
        broken.FirstBroken!.Version.ShouldBe(2);
        broken.FirstBroken.What.ShouldContain("missing (deleted)");
    }

    [Fact]
    public async Task an_event_of_a_case_disguised_as_a_tombstone_is_still_reported()
    {
        var vote = await SampleCases.DecidedVoteAsync(ledger, _district);

        (await ledger.ExecuteSqlAsync("update caseledger.mt_events set type = 'tombstone' where stream_id = @id and version = 4", ("id", vote))).ShouldBe(1);

        var result = await ledger.VerifyCaseAsync(_district, vote);
        result!.Intact.ShouldBeFalse();
        result.FirstBroken!.Version.ShouldBe(4);
        result.FirstBroken.What.ShouldContain("type changed");
        (await ledger.VerifyDistrictAsync(_district)).FailedWrites.ShouldBe(0);
    }

    [Fact]
    public async Task a_whole_case_moved_into_a_tombstone_stream_is_still_reported()
    {
        var vote = await SampleCases.DecidedVoteAsync(ledger, _district);

        // The forger retypes every event of the case and moves it to a stream of its own, as Marten keeps
        // tombstones; the case's chain links stay behind.
        var elsewhere = Guid.NewGuid();
        await ledger.ExecuteSqlAsync("insert into caseledger.mt_streams (id, tenant_id, version, is_archived) values (@to, @district, 0, false)",
            ("to", elsewhere), ("district", _district));
        (await ledger.ExecuteSqlAsync("update caseledger.mt_events set type = 'tombstone', stream_id = @to where stream_id = @id",
            ("id", vote), ("to", elsewhere))).ShouldBe(5);

        var district = await ledger.VerifyDistrictAsync(_district);
        district.AllIntact.ShouldBeFalse();
        var broken = district.Broken.ShouldHaveSingleItem();
        broken.CaseId.ShouldBe(vote);
        broken.FirstBroken!.What.ShouldContain("missing (deleted)");
    }
}
