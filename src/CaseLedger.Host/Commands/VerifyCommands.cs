using System.Text.Json;
using CaseLedger.Audit;
using CaseLedger.Core;
using CaseLedger.Rules;
using JasperFx.CommandLine;
using Marten;

namespace CaseLedger.Host.Commands;

public sealed class VerifyInput : NetCoreInput
{
    [Description("The district to verify")]
    public string District { get; set; } = "";

    [Description("Only this case"), FlagAlias("case", true)]
    public string? CaseFlag { get; set; }

    [Description("A seal file you kept (from the witness folder, a bundle or POST .../seals): check the district against it"),
     FlagAlias("since-seal", true)]
    public string? SinceSealFlag { get; set; }
}

[Description("Recompute hash chains from the stored events, check them against the signed seals and the published seal files, and report what broke",
    Name = "verify")]
public sealed class VerifyCommand : JasperFxAsyncCommand<VerifyInput>
{
    public VerifyCommand()
    {
        Usage("Verify a district, or one case of it").Arguments(x => x.District);
    }

    public override Task<bool> Execute(VerifyInput input) => CommandSupport.RunAsync(input, async services =>
    {
        var store = services.GetRequiredService<IDocumentStore>();
        var sealing = services.GetRequiredService<Sealing>();
        var kinds = services.GetRequiredService<CaseKinds>();
        var rules = services.GetRequiredService<RuleBook>();
        var district = CommandSupport.District(input.District);
        if (input.CaseFlag is not null)
        {
            var result = await ChainVerifier.VerifyCaseAsync(store, sealing, kinds, rules, district, CommandSupport.ParseGuid(input.CaseFlag, "--case"))
                ?? throw new CommandFailure($"No case {input.CaseFlag} in district {district}.");
            Report(result);
            return result.Intact;
        }

        if (input.SinceSealFlag is not null)
        {
            var held = ReadSeal(input.SinceSealFlag);
            var since = await ChainVerifier.VerifySinceAsync(store, sealing, kinds, rules, district, held);
            Console.WriteLine($"Seal {since.Held.Number} you hold ({since.Held.TreeSize} links, root {since.Held.Root}):");
            foreach (var problem in since.Problems)
            {
                Console.WriteLine($"  PROBLEM: {problem}");
            }

            if (since.Latest is { } latest && since.Problems.Count == 0)
            {
                Console.WriteLine($"  the database still holds it, and seal {latest.Number} ({latest.TreeSize} links, root {latest.Root}) extends it " +
                                  $"(consistency proof: {since.ConsistencyProof.Count} hashes)");
            }

            if (since.Verification is { } verification)
            {
                ReportDistrict(verification);
            }

            return since.Intact;
        }

        var all = await ProgressBar.RunAsync($"verify {district}", progress =>
            ChainVerifier.VerifyDistrictAsync(store, sealing, kinds, rules, district, [], ProgressBar.Of<VerificationProgress>(progress, p => (p.Events, Math.Max(p.Events, p.EventsInAll)))));
        ReportDistrict(all);
        return all.AllIntact;
    });

    internal static SealFile ReadSeal(string file)
    {
        string json;
        try
        {
            json = File.ReadAllText(file);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new CommandFailure($"cannot read {file}: {e.Message}");
        }

        var (seal, problem) = SealFile.Parse(json);
        return seal ?? throw new CommandFailure($"{file}: {problem}");
    }

    private static void ReportDistrict(DistrictVerification all)
    {
        Console.WriteLine($"District {all.District}: {all.Intact} of {all.Cases} case chains intact; " +
                          (all.SealNumber is null ? "not sealed yet" : $"seal {all.SealNumber} over {all.SealedLinks} links " +
                                                                       (all.SealsIntact == true ? "checks out" : "DOES NOT CHECK OUT")) +
                          $"; {all.UnsealedLinks} link(s) appended since, checked by the chains alone; {all.PublishedSeals} seal file(s) published");
        if (all.FailedWrites > 0)
        {
            Console.WriteLine($"  {all.FailedWrites} event sequence number(s) were taken by writes that failed (Marten's tombstones): not history, not tampering");
        }

        foreach (var problem in all.SealProblems)
        {
            Console.WriteLine($"  seal: {problem}");
        }

        foreach (var note in all.Notes)
        {
            Console.WriteLine($"  note: {note}");
        }

        foreach (var cell in all.SummaryFindings)
        {
            Console.WriteLine($"  summary: {cell.Summary} {cell.Bucket} [{string.Join(", ", cell.Dimensions)}] {cell.Counter}: " +
                              $"the events give {cell.Expected}, the store holds {cell.Stored}");
        }

        foreach (var broken in all.Broken)
        {
            Report(broken);
        }
    }

    private static void Report(CaseVerification result)
    {
        if (result.Intact)
        {
            Console.WriteLine($"Case {result.CaseId}: intact, {result.Events} events, head {result.Head}" +
                              (result.SealNumber is null ? ", not sealed yet" : $", sealed up to version {result.SealedVersion} (seal {result.SealNumber})"));
            return;
        }

        if (result.FirstBroken is { } broken)
        {
            Console.WriteLine($"Case {result.CaseId}: BROKEN at version {broken.Version}: {broken.What}");
            Console.WriteLine($"    recorded: {broken.Recorded ?? "(nothing)"}");
            Console.WriteLine($"    found:    {broken.Found ?? "(nothing)"}");
        }

        foreach (var finding in result.Findings)
        {
            Console.WriteLine($"Case {result.CaseId}: {finding.Document}: {finding.What}" + (finding.Member is { } member ? $" (at {member})" : ""));
            if (finding.Member is not null || finding.Expected is not null || finding.Found is not null)
            {
                Console.WriteLine($"    the events produce: {finding.Expected ?? "(nothing)"}");
                Console.WriteLine($"    stored:             {finding.Found ?? "(nothing)"}");
            }
        }
    }
}

public sealed class SealInput : NetCoreInput
{
    [Description("Seal only this district (default: every district)"), FlagAlias("district", true)]
    public string? DistrictFlag { get; set; }
}

[Description("Seal districts now: every chain link appended since the last seal, signed and published to the witness folder (seals that had waited first); " +
             "exits non-zero when a seal could not be published or a case was left out", Name = "seal")]
public sealed class SealCommand : JasperFxAsyncCommand<SealInput>
{
    public override Task<bool> Execute(SealInput input) => CommandSupport.RunAsync(input, async services =>
    {
        var store = services.GetRequiredService<IDocumentStore>();
        var sealing = services.GetRequiredService<Sealing>();
        var clock = services.GetRequiredService<TimeProvider>();
        var districts = input.DistrictFlag is null
            ? [.. (await DistrictSeals.DistrictsAsync(store)).Where(CommandPipeline.IsDistrictId)]
            : new List<string> { CommandSupport.District(input.DistrictFlag) };
        var ok = true;
        foreach (var district in districts)
        {
            SealOutcome outcome;
            try
            {
                outcome = await DistrictSeals.SealAsync(store, sealing, district, clock.GetUtcNow());
            }
            catch (Exception e) when (e is SealsDivergedException or MerkleNodeMissingException)
            {
                Console.WriteLine($"{district}: NOT SEALED ({(e is SealsDivergedException ? "audit.seals_diverged" : "audit.seal_log_damaged")}): {e.Message}");
                ok = false;
                continue;
            }

            ok &= Report(district, outcome, sealing.Witness);
        }

        return ok;
    });

    /// <summary>
    /// Says what sealing a district did; false when a seal is recorded but not published (or the
    /// folder holds another seal under its number) or a case was left out, so the verb exits non-zero.
    /// </summary>
    private static bool Report(string district, SealOutcome outcome, SealWitnessFolder witness)
    {
        var seal = outcome.Seal?.Statement;
        var waited = outcome.Published.Where(n => n != seal?.Number).ToList();
        if (waited.Count > 0)
        {
            Console.WriteLine($"{district}: seal(s) {string.Join(", ", waited)}, which had waited, are now published");
        }

        Console.WriteLine(seal is null
            ? $"{district}: nothing appended since seal {outcome.Latest?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "(none)"}"
            : $"{district}: seal {seal.Number}, {seal.NewLinks} new links, {seal.TreeSize} in all, root {seal.Root}" +
              (outcome.Unpublished.Contains(seal.Number) ? "" : $", published to {witness.PathFor(district, seal.Number)}"));
        if (outcome.WitnessProblem is { } problem)
        {
            var code = outcome.Diverged ? "audit.seals_diverged" : "audit.seal_not_published";
            Console.WriteLine($"{district}: NOT PUBLISHED ({code}): seal(s) {string.Join(", ", outcome.Unpublished)} are recorded in the database but not in " +
                              $"the witness folder: {problem}");
            Console.WriteLine(outcome.Diverged
                ? "  the witness folder holds another seal under that number: verify the district before sealing again"
                : "  they do not count as published until they are; the next seal (this command again, or the periodic sealer) publishes them first, in order");
        }

        foreach (var withheld in outcome.Withheld)
        {
            Console.WriteLine($"  case {withheld.CaseId} left out of the seal ({withheld.Reason}): {withheld.Detail}");
        }

        return outcome.WitnessProblem is null && outcome.Withheld.Count == 0;
    }
}

public sealed class SealKeyInput : NetCoreInput
{
    [Description("Also write the public key to this file"), FlagAlias("out", true)]
    public string? OutFlag { get; set; }
}

[Description("Print the public key seals are signed with (PEM), for auditors to check seals, bundles and witness files with", Name = "seal-key")]
public sealed class SealKeyCommand : JasperFxAsyncCommand<SealKeyInput>
{
    public override Task<bool> Execute(SealKeyInput input) => CommandSupport.RunAsync(input, async services =>
    {
        var sealing = services.GetRequiredService<Sealing>();
        if (input.OutFlag is { } file)
        {
            await File.WriteAllTextAsync(file, sealing.Key.PublicKeyPem);
        }

        Console.Write(sealing.Key.PublicKeyPem);
        Console.Error.WriteLine($"key {sealing.Key.KeyId}" + (sealing.KeyFile is { } from ? $" (private key in {from})" : ""));
        return true;
    });
}

public sealed class ExportBundleInput : NetCoreInput
{
    [Description("The case's district")]
    public string District { get; set; } = "";

    [Description("The case's id")]
    public string Case { get; set; } = "";

    [Description("Where to write the bundle (JSON)")]
    public string File { get; set; } = "";
}

[Description("Export a case as a self-contained bundle that verify-bundle checks offline", Name = "export-bundle")]
public sealed class ExportBundleCommand : JasperFxAsyncCommand<ExportBundleInput>
{
    public ExportBundleCommand()
    {
        Usage("Export one case").Arguments(x => x.District, x => x.Case, x => x.File);
    }

    public override Task<bool> Execute(ExportBundleInput input) => CommandSupport.RunAsync(input, async services =>
    {
        var district = CommandSupport.District(input.District);
        var file = CommandSupport.Require(input.File, "The bundle file");
        var bundle = await AuditBundles.ExportAsync(services.GetRequiredService<IDocumentStore>(), services.GetRequiredService<CaseKinds>(),
            services.GetRequiredService<RuleBook>(), district, CommandSupport.ParseGuid(input.Case, "The case"))
            ?? throw new CommandFailure($"No case {input.Case} in district {district}.");
        await File.WriteAllTextAsync(file, JsonSerializer.Serialize(bundle, AuditBundle.Json));
        Console.WriteLine($"Wrote {bundle.Events.Count} events of case {bundle.Case.Id} to {file}; head {bundle.Head}" +
                          (bundle.Seal is null
                              ? " (not sealed yet: run `seal` first for a seal proof)"
                              : $", sealed up to version {bundle.Seal.SealedVersion} by seal {bundle.Seal.File.Statement.Number}, root {bundle.Seal.File.Statement.Root}"));
        return true;
    });
}

public sealed class VerifyBundleInput
{
    [Description("The bundle file (JSON) to check")]
    public string File { get; set; } = "";

    [Description("The seal key's public half (PEM) you trust: from the ledger's operators, `seal-key` or GET /sealing/public-key"),
     FlagAlias("public-key", true)]
    public string? PublicKeyFlag { get; set; }
}

[Description("Check an exported case bundle offline, against the seal key you trust: no database, no network", Name = "verify-bundle")]
public sealed class VerifyBundleCommand : JasperFxAsyncCommand<VerifyBundleInput>
{
    public VerifyBundleCommand()
    {
        Usage("Check a bundle").Arguments(x => x.File);
    }

    public override async Task<bool> Execute(VerifyBundleInput input)
    {
        ArgumentNullException.ThrowIfNull(input);
        if (OfflineKey.Read(input.PublicKeyFlag) is not { } key)
        {
            return false;
        }

        AuditBundle? bundle;
        try
        {
            bundle = JsonSerializer.Deserialize<AuditBundle>(await File.ReadAllTextAsync(input.File), AuditBundle.Json);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or JsonException or NotSupportedException)
        {
            return CommandSupport.Fail($"cannot read {input.File}: {e.Message}");
        }

        if (bundle?.Case is null || bundle.Events is null || bundle.Links is null)
        {
            return CommandSupport.Fail($"{input.File} is not a CaseLedger bundle.");
        }

        var result = AuditBundles.Verify(bundle, [key]);
        Console.WriteLine($"Case {bundle.Case.Id} ({bundle.Case.Kind}, district {bundle.Case.District}): {bundle.Events.Count} events");
        if (!result.Valid)
        {
            foreach (var problem in result.Problems)
            {
                Console.WriteLine($"  PROBLEM: {problem}");
            }

            return CommandSupport.Fail("the bundle does not verify.");
        }

        // The chain holds: fold its events again, and decide its decisions again, as the ledger's kinds do.
        var kinds = Hosting.StandardKinds.Create();
        var differences = await AuditBundles.RederiveAsync(bundle, kinds, kinds.DefaultRules());
        foreach (var difference in differences)
        {
            Console.WriteLine($"  PROBLEM: {difference}");
        }

        if (differences.Count > 0)
        {
            return CommandSupport.Fail("the bundle's documents or decisions are not what its events produce.");
        }

        Console.WriteLine($"  chain intact, head {result.Head}");
        Console.WriteLine(result.SealNumber is null
            ? "  NOT covered by a seal: the chain proves only that the bundle is consistent with itself; compare its head with one you hold"
            : $"  sealed up to version {result.SealedVersion} by seal {result.SealNumber}, signed with key {result.KeyId}; root {result.SealRoot}");
        return true;
    }
}

public sealed class VerifySealsInput
{
    [Description("A folder of one district's seal files (a copy of {witness folder}/{district}), or one seal file")]
    public string Path { get; set; } = "";

    [Description("The seal key's public half (PEM) you trust"), FlagAlias("public-key", true)]
    public string? PublicKeyFlag { get; set; }
}

[Description("Check published seal files offline: each is signed with the key you trust and extends the one before it; a folder's files are named for the seal they hold, numbered 1 to the newest without a gap or a duplicate", Name = "verify-seals")]
public sealed class VerifySealsCommand : JasperFxAsyncCommand<VerifySealsInput>
{
    public VerifySealsCommand()
    {
        Usage("Check a district's seal files").Arguments(x => x.Path);
    }

    public override Task<bool> Execute(VerifySealsInput input)
    {
        ArgumentNullException.ThrowIfNull(input);
        if (OfflineKey.Read(input.PublicKeyFlag) is not { } key)
        {
            return Task.FromResult(false);
        }

        if (Directory.Exists(input.Path))
        {
            WitnessCopyCheck copy;
            try
            {
                copy = WitnessCopyChecks.CheckFolder(input.Path, [key]);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                return Task.FromResult(CommandSupport.Fail($"cannot read {input.Path}: {e.Message}"));
            }

            if (copy.Files == 0)
            {
                return Task.FromResult(CommandSupport.Fail($"no seal files at {input.Path}"));
            }

            return Task.FromResult(Report(copy.Problems, copy.Notes, copy.Latest, copy.Files, key));
        }

        if (!File.Exists(input.Path))
        {
            return Task.FromResult(CommandSupport.Fail($"no seal files at {input.Path}"));
        }

        var (seal, unreadable) = SealWitnessFolder.Read(input.Path);
        if (seal is null)
        {
            return Task.FromResult(CommandSupport.Fail($"{input.Path}: {unreadable}"));
        }

        var check = SealFiles.CheckChain([seal], [key]);
        return Task.FromResult(Report(check.Problems, check.Gaps, check.Latest, 1, key));
    }

    private static bool Report(IReadOnlyList<string> problems, IReadOnlyList<string> notes, SealStatement? latest, int files, SealKey key)
    {
        foreach (var problem in problems)
        {
            Console.WriteLine($"  PROBLEM: {problem}");
        }

        foreach (var note in notes)
        {
            Console.WriteLine($"  note: {note}");
        }

        if (problems.Count > 0 || latest is null)
        {
            return CommandSupport.Fail("the seal files do not verify.");
        }

        Console.WriteLine($"{files} seal file(s) of {latest.District} verify: each signed with key {key.KeyId}, each extending the one before" +
                          (files > 1 ? ", numbered 1 to " + latest.Number.ToString(System.Globalization.CultureInfo.InvariantCulture) + " without a gap" : "") +
                          $"; latest seal {latest.Number} covers {latest.TreeSize} links, root {latest.Root}");
        return true;
    }
}

/// <summary>The public key an offline check is made against: required, because a seal proves only as much as the key it is checked with.</summary>
internal static class OfflineKey
{
    public static SealKey? Read(string? file)
    {
        if (string.IsNullOrWhiteSpace(file))
        {
            CommandSupport.Fail("--public-key is required: the seal key's public half (PEM) that you trust, from the ledger's operators " +
                                "(they print it with `seal-key`; GET /sealing/public-key serves it). A seal proves only as much as the key you check it with.");
            return null;
        }

        try
        {
            return SealKey.ReadFile(file);
        }
        catch (SealKeyException e)
        {
            CommandSupport.Fail(e.Message);
            return null;
        }
    }
}
