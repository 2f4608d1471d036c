using System.Text.Json;
using CaseLedger.IntegrationTests.Infrastructure;

namespace CaseLedger.IntegrationTests.Cli;

/// <summary>The audit verbs of the host executable, run as processes against a real database.</summary>
[Collection(LedgerCollection.Name)]
public sealed class when_using_the_command_line(Ledger ledger) : IAsyncLifetime
{
    private readonly string _district = ledger.NewDistrictToTamperWith("cli");
    private string _connection = "";
    private Guid _vote;

    public async Task InitializeAsync()
    {
        _connection = ledger.ConnectionString;
        _vote = await SampleCases.DecidedVoteAsync(ledger, _district);
    }

    public Task DisposeAsync() => Task.CompletedTask;

    [Fact]
    public async Task help_lists_the_caseledger_verbs_beside_martens_and_wolverines()
    {
        var result = await HostCli.RunAsync(null, "help");

        result.ExitCode.ShouldBe(0);
        foreach (var verb in new[] { "audit", "case-state", "case-diff", "verify", "seal", "seal-key", "export-bundle", "verify-bundle", "verify-seals", "rebuild",
                     "projections", "db-apply", "token" })
        {
            result.Output.ShouldContain(verb);
        }
    }

    [Theory]
    [InlineData("verify", "--help")]
    [InlineData("help", "verify")]
    public async Task a_verb_with_help_explains_its_arguments_and_exits_zero(params string[] arguments)
    {
        var result = await HostCli.RunAsync(null, arguments);

        result.ExitCode.ShouldBe(0);
        result.Output.ShouldContain("verify <district>");
        result.Output.ShouldContain("--case");
    }

    [Fact]
    public async Task verify_says_intact_and_exits_zero_then_finds_an_edit_and_exits_non_zero()
    {
        var intact = await HostCli.RunAsync(_connection, "verify", _district, "--case", _vote.ToString());
        intact.ExitCode.ShouldBe(0, intact.Error);
        intact.Output.ShouldContain("intact, 5 events");

        (await ledger.ExecuteSqlAsync(
            "update caseledger.mt_events set data = jsonb_set(data, '{choice}', '\"Yes\"') where stream_id = @id and version = 3", ("id", _vote))).ShouldBe(1);

        var broken = await HostCli.RunAsync(_connection, "verify", _district, "--case", _vote.ToString());
        broken.ExitCode.ShouldNotBe(0);
        broken.Output.ShouldContain("BROKEN at version 3: the event's data changed");
    }

    [Fact]
    public async Task a_verbs_json_is_all_its_standard_output_with_the_log_on_standard_error()
    {
        var result = await HostCli.RunAsync(_connection, new Dictionary<string, string> { ["Logging__LogLevel__Default"] = "Information" },
            "audit", "--district", _district, "--case", _vote.ToString(), "--json");

        result.ExitCode.ShouldBe(0, result.Error);
        using var page = JsonDocument.Parse(result.Output);
        page.RootElement.GetProperty("entries").GetArrayLength().ShouldBe(5);
        result.Error.ShouldContain("info:");
    }

    /// <summary>A scratch file for one test, deleted afterwards.</summary>
    private static string Scratch(string name) => Path.Combine(Path.GetTempPath(), $"caseledger-{Guid.NewGuid():N}-{name}");

    [Fact]
    public async Task seal_key_prints_the_public_key_that_checks_the_seals()
    {
        var file = Scratch("seal-key.pub.pem");
        try
        {
            var result = await HostCli.RunAsync(_connection, "seal-key", "--out", file);

            result.ExitCode.ShouldBe(0, result.Error);
            result.Output.ShouldStartWith("-----BEGIN PUBLIC KEY-----");
            (await File.ReadAllTextAsync(file)).ShouldBe(result.Output);
            using var key = CaseLedger.Audit.SealKey.FromPem(result.Output);
            key.KeyId.ShouldBe(ledger.Sealing.Key.KeyId);
            key.CanSign.ShouldBeFalse();
        }
        finally
        {
            File.Delete(file);
        }
    }

    [Fact]
    public async Task an_exported_bundle_verifies_offline_with_the_public_key_and_not_without_it_with_another_or_changed()
    {
        var file = Scratch("bundle.json");
        var publicKey = Scratch("seal-key.pub.pem");
        var otherKey = Scratch("other.pub.pem");
        try
        {
            var seal = await HostCli.RunAsync(_connection, "seal", "--district", _district);
            seal.ExitCode.ShouldBe(0, seal.Output + seal.Error);
            seal.Output.ShouldContain("published to");
            (await HostCli.RunAsync(_connection, "seal-key", "--out", publicKey)).ExitCode.ShouldBe(0);
            using (var other = CaseLedger.Audit.SealKey.Generate())
            {
                await File.WriteAllTextAsync(otherKey, other.PublicKeyPem);
            }

            var export = await HostCli.RunAsync(_connection, "export-bundle", _district, _vote.ToString(), file);
            export.ExitCode.ShouldBe(0, export.Error);

            var good = await HostCli.RunAsync(null, "verify-bundle", file, "--public-key", publicKey);
            good.ExitCode.ShouldBe(0, good.Output + good.Error);
            good.Output.ShouldContain("chain intact");
            good.Output.ShouldContain("sealed up to version 5 by seal 1");

            var withoutKey = await HostCli.RunAsync(null, "verify-bundle", file);
            withoutKey.ExitCode.ShouldNotBe(0);
            withoutKey.Error.ShouldContain("--public-key is required");

            var withAnother = await HostCli.RunAsync(null, "verify-bundle", file, "--public-key", otherKey);
            withAnother.ExitCode.ShouldNotBe(0);
            withAnother.Output.ShouldContain("not with the key given");

            var bundle = System.Text.Json.Nodes.JsonNode.Parse(await File.ReadAllTextAsync(file))!;
            bundle["events"]![3]!["data"]!["voterId"] = "O9";
            await File.WriteAllTextAsync(file, bundle.ToJsonString());
            var bad = await HostCli.RunAsync(null, "verify-bundle", file, "--public-key", publicKey);
            bad.ExitCode.ShouldNotBe(0);
            bad.Output.ShouldContain("PROBLEM: version 4:");
        }
        finally
        {
            File.Delete(file);
            File.Delete(publicKey);
            File.Delete(otherKey);
        }
    }

    [Fact]
    public async Task verify_since_a_kept_seal_file_passes_until_sealed_history_is_cut()
    {
        (await HostCli.RunAsync(_connection, "seal", "--district", _district)).ExitCode.ShouldBe(0);
        var held = ledger.Sealing.Witness.PathFor(_district, 1);

        var intact = await HostCli.RunAsync(_connection, "verify", _district, "--since-seal", held);
        intact.ExitCode.ShouldBe(0, intact.Output + intact.Error);
        intact.Output.ShouldContain("the database still holds it");

        (await ledger.ExecuteSqlAsync("delete from caseledger.mt_events where stream_id = @id and version = 5", ("id", _vote))).ShouldBe(1);
        var cut = await HostCli.RunAsync(_connection, "verify", _district, "--since-seal", held);
        cut.ExitCode.ShouldNotBe(0);
        cut.Output.ShouldContain("BROKEN at version 5");
    }

    [Fact]
    public async Task verify_seals_checks_a_copy_of_the_witness_folder_offline()
    {
        var publicKey = Scratch("seal-key.pub.pem");
        var copy = Scratch("seals");
        try
        {
            (await HostCli.RunAsync(_connection, "seal", "--district", _district)).ExitCode.ShouldBe(0);
            await SampleCases.DecidedVoteAsync(ledger, _district);
            (await HostCli.RunAsync(_connection, "seal", "--district", _district)).ExitCode.ShouldBe(0);
            await File.WriteAllTextAsync(publicKey, ledger.Sealing.Key.PublicKeyPem);
            Directory.CreateDirectory(copy);
            foreach (var (number, file) in ledger.Sealing.Witness.List(_district))
            {
                File.Copy(file, Path.Combine(copy, $"{number}.json"));
            }

            var good = await HostCli.RunAsync(null, "verify-seals", copy, "--public-key", publicKey);
            good.ExitCode.ShouldBe(0, good.Output + good.Error);
            good.Output.ShouldContain("2 seal file(s) of " + _district + " verify");

            var first = System.Text.Json.Nodes.JsonNode.Parse(await File.ReadAllTextAsync(Path.Combine(copy, "1.json")))!;
            first["statement"]!["treeSize"] = 4;
            await File.WriteAllTextAsync(Path.Combine(copy, "1.json"), first.ToJsonString());
            var forged = await HostCli.RunAsync(null, "verify-seals", copy, "--public-key", publicKey);
            forged.ExitCode.ShouldNotBe(0);
            forged.Output.ShouldContain("PROBLEM: seal 1: the signature does not match");
        }
        finally
        {
            File.Delete(publicKey);
            if (Directory.Exists(copy))
            {
                Directory.Delete(copy, recursive: true);
            }
        }
    }

    [Fact]
    public async Task seal_says_a_seal_it_cannot_publish_is_recorded_but_not_published_exits_non_zero_and_publishes_it_the_next_time()
    {
        // Where the district's seal files belong stands a file: the witness folder cannot take them.
        Directory.CreateDirectory(ledger.Sealing.Witness.Folder);
        var blocker = Path.Combine(ledger.Sealing.Witness.Folder, _district);
        await File.WriteAllTextAsync(blocker, "not a folder");
        HostCli.Result failed;
        try
        {
            failed = await HostCli.RunAsync(_connection, "seal", "--district", _district);
        }
        finally
        {
            File.Delete(blocker);
        }

        var retried = await HostCli.RunAsync(_connection, "seal", "--district", _district);

        failed.ExitCode.ShouldNotBe(0);
        failed.Output.ShouldContain($"{_district}: seal 1, 5 new links");
        failed.Output.ShouldContain($"{_district}: NOT PUBLISHED (audit.seal_not_published): seal(s) 1 are recorded in the database but not in the witness folder");
        retried.ExitCode.ShouldBe(0, retried.Output + retried.Error);
        retried.Output.ShouldContain($"{_district}: seal(s) 1, which had waited, are now published");
        retried.Output.ShouldContain($"{_district}: nothing appended since seal 1");
        File.Exists(ledger.Sealing.Witness.PathFor(_district, 1)).ShouldBeTrue();
    }

    [Fact]
    public async Task verify_names_a_deleted_seal_file_and_exits_non_zero()
    {
        (await HostCli.RunAsync(_connection, "seal", "--district", _district)).ExitCode.ShouldBe(0);
        File.Delete(ledger.Sealing.Witness.PathFor(_district, 1));

        var result = await HostCli.RunAsync(_connection, "verify", _district);

        result.ExitCode.ShouldNotBe(0);
        result.Output.ShouldContain($"seal: seal 1, the latest, was published, but its file {_district}/1.json is missing from the witness folder: it was deleted");
    }

    [Fact]
    public async Task verify_seals_names_a_gap_a_renamed_file_and_a_duplicate_in_a_copy_and_exits_non_zero()
    {
        var publicKey = Scratch("seal-key.pub.pem");
        var copy = Scratch("seals");
        try
        {
            for (var i = 0; i < 3; i++)
            {
                (await HostCli.RunAsync(_connection, "seal", "--district", _district)).ExitCode.ShouldBe(0);
                await SampleCases.DecidedVoteAsync(ledger, _district);
            }

            await File.WriteAllTextAsync(publicKey, ledger.Sealing.Key.PublicKeyPem);
            Directory.CreateDirectory(copy);
            foreach (var (number, file) in ledger.Sealing.Witness.List(_district))
            {
                File.Copy(file, Path.Combine(copy, $"{number}.json"));
            }

            File.Delete(Path.Combine(copy, "2.json"));
            File.Move(Path.Combine(copy, "3.json"), Path.Combine(copy, "4.json"));
            File.Copy(Path.Combine(copy, "1.json"), Path.Combine(copy, "1 (copy).json"));

            var result = await HostCli.RunAsync(null, "verify-seals", copy, "--public-key", publicKey);

            result.ExitCode.ShouldNotBe(0);
            result.Output.ShouldContain("PROBLEM: seal file 2.json is missing from the folder, which holds seals up to 3");
            result.Output.ShouldContain("PROBLEM: 4.json holds seal 3, not seal 4: seal files were renamed or put out of sequence");
            result.Output.ShouldContain("PROBLEM: seal 1 is in the folder more than once (1 (copy).json, 1.json)");
        }
        finally
        {
            File.Delete(publicKey);
            if (Directory.Exists(copy))
            {
                Directory.Delete(copy, recursive: true);
            }
        }
    }

    [Fact]
    public async Task the_audit_trail_of_a_case_is_listed()
    {
        var result = await HostCli.RunAsync(_connection, "audit", "--district", _district, "--case", _vote.ToString(), "--oldest-first");

        result.ExitCode.ShouldBe(0, result.Error);
        result.Output.ShouldContain("5 entries");
        result.Output.ShouldContain("staff-help-7 for O2 via Proxy");
    }

    [Fact]
    public async Task a_case_is_shown_at_a_version()
    {
        var result = await HostCli.RunAsync(_connection, "case-state", _district, _vote.ToString(), "--version", "2");

        result.ExitCode.ShouldBe(0, result.Error);
        result.Output.ShouldContain("\"version\": 2");
        result.Output.ShouldContain("\"yesMembers\": 1");
        var shown = JsonDocument.Parse(result.Output[result.Output.IndexOf('{', StringComparison.Ordinal)..]).RootElement;
        shown.GetProperty("version").GetInt64().ShouldBe(2);
        shown.GetProperty("state").GetProperty("version").GetInt64().ShouldBe(2);
    }

    [Fact]
    public async Task a_difference_shows_each_value_as_the_json_it_is()
    {
        var result = await HostCli.RunAsync(_connection, "case-diff", _district, _vote.ToString(), "--from-version", "1", "--to-version", "5");

        result.ExitCode.ShouldBe(0, result.Error);
        result.Output.ShouldContain("Case " + _vote + ": version 1 -> 5");
        result.Output.ShouldContain("  status: \"Open\" -> \"Decided\"");
        result.Output.ShouldContain("  count.yesMembers: 0 -> 2");
        result.Output.ShouldContain("  decidedAt: null -> \"");
        result.Output.ShouldContain("  version: 1 -> 5");
    }

    [Theory]
    [InlineData("audit")]
    [InlineData("case-state", "yuelu", "not-a-case-id")]
    [InlineData("verify", "Not A District")]
    [InlineData("verify-bundle", "/nonexistent/bundle.json")]
    [InlineData("verify-bundle", "/nonexistent/bundle.json", "--public-key", "/nonexistent/key.pem")]
    [InlineData("verify-seals", "/nonexistent/seals", "--public-key", "/nonexistent/key.pem")]
    [InlineData("verify", "yuelu", "--since-seal", "/nonexistent/seal.json")]
    [InlineData("case-diff", "yuelu", "00000000-0000-0000-0000-000000000001", "--to-version", "2")]
    public async Task bad_input_gets_a_message_and_a_non_zero_exit(params string[] arguments)
    {
        var result = await HostCli.RunAsync(_connection, arguments);

        result.ExitCode.ShouldNotBe(0);
        result.Error.ShouldContain("error:");
    }

    [Fact]
    public async Task a_scenario_file_whose_aliases_nest_into_billions_of_values_gets_a_message_and_a_non_zero_exit()
    {
        var file = Scratch("laughs.yaml");
        try
        {
            await File.WriteAllTextAsync(file, Identity.when_a_rule_author_asks_questions.NestedAliases);

            var result = await HostCli.RunAsync(null, "scenarios", "run", file);

            result.ExitCode.ShouldNotBe(0);
            result.Error.ShouldContain($"{file}:12:");
            result.Error.ShouldContain("values once its aliases are expanded");
        }
        finally
        {
            File.Delete(file);
        }
    }

    [Fact]
    public async Task token_mints_a_token_the_host_accepts_and_prints_it_alone()
    {
        var result = await HostCli.RunAsync(null, "token", "--role", "clerk", "--district", _district, "--name", "clerk-cli-1");

        result.ExitCode.ShouldBe(0);
        var token = result.Output.Trim();
        token.Split('.').Length.ShouldBe(3, "standard output holds the token alone");
        result.Error.ShouldContain("curl -H \"Authorization: Bearer");
        var request = new HttpRequestMessage(HttpMethod.Get, new Uri($"/districts/{_district}/renovation-votes/{_vote}", UriKind.Relative));
        request.Headers.Authorization = new("Bearer", token);
        (await ledger.Client.SendAsync(request)).StatusCode.ShouldBe(System.Net.HttpStatusCode.OK);
    }

    [Fact]
    public async Task token_for_a_partner_names_its_institution_and_signs_in_through_the_partners_channel()
    {
        var result = await HostCli.RunAsync(null, "token", "--role", "partner", "--institution", "bank-of-jilin", "--district", _district,
            "--name", "bank-clerk-cli-1");

        result.ExitCode.ShouldBe(0, result.Error);
        var token = new Microsoft.IdentityModel.JsonWebTokens.JsonWebToken(result.Output.Trim());
        token.GetClaim("institution").Value.ShouldBe("bank-of-jilin");
        token.GetClaim("channel").Value.ShouldBe("Partner");
        token.GetClaim("role").Value.ShouldBe("partner");
    }

    [Theory]
    [InlineData("--role", "partner", "--district", "yuelu", "--name", "x")]
    [InlineData("--role", "clerk", "--institution", "bank-of-jilin", "--district", "yuelu", "--name", "x")]
    [InlineData("--district", "yuelu", "--name", "x")]
    [InlineData("--role", "mayor", "--district", "yuelu", "--name", "x")]
    [InlineData("--role", "clerk", "--name", "x")]
    [InlineData("--role", "clerk", "--district", "yuelu")]
    public async Task token_without_a_role_a_district_or_a_name_says_what_is_missing_and_exits_non_zero(params string[] arguments)
    {
        var result = await HostCli.RunAsync(null, ["token", .. arguments]);

        result.ExitCode.ShouldNotBe(0);
        result.Error.ShouldContain("error: ");
        result.Output.Trim().ShouldNotContain(".");
    }
}
