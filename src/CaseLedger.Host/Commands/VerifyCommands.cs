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
}

[Description("Recompute hash chains from the stored events and report the first broken link per case", Name = "verify")]
public sealed class VerifyCommand : JasperFxAsyncCommand<VerifyInput>
{
    public VerifyCommand()
    {
        Usage("Verify a district, or one case of it").Arguments(x => x.District);
    }

    public override Task<bool> Execute(VerifyInput input) => CommandSupport.RunAsync(input, async services =>
    {
        var store = services.GetRequiredService<IDocumentStore>();
        var district = CommandSupport.District(input.District);
        if (input.CaseFlag is not null)
        {
            var result = await ChainVerifier.VerifyCaseAsync(store, district, CommandSupport.ParseGuid(input.CaseFlag, "--case"))
                ?? throw new CommandFailure($"No case {input.CaseFlag} in district {district}.");
            Report(result);
            return result.Intact;
        }

        var all = await ChainVerifier.VerifyDistrictAsync(store, district);
        Console.WriteLine($"District {district}: {all.Intact} of {all.Cases} case chains intact; " +
                          (all.SealNumber is null ? "not sealed yet" : $"seal {all.SealNumber} {(all.SealRootMatches == true ? "matches" : "DOES NOT MATCH")}"));
        if (all.SealProblem is not null)
        {
            Console.WriteLine($"  seal: {all.SealProblem}");
        }

        foreach (var broken in all.Broken)
        {
            Report(broken);
        }

        return all.AllIntact;
    });

    private static void Report(CaseVerification result)
    {
        if (result.Intact)
        {
            Console.WriteLine($"Case {result.CaseId}: intact, {result.Events} events, head {result.Head}" +
                              (result.SealNumber is null ? "" : $", matches seal {result.SealNumber}"));
            return;
        }

        var broken = result.FirstBroken!;
        Console.WriteLine($"Case {result.CaseId}: BROKEN at version {broken.Version}: {broken.What}");
        Console.WriteLine($"    recorded: {broken.Recorded ?? "(nothing)"}");
        Console.WriteLine($"    found:    {broken.Found ?? "(nothing)"}");
    }
}

public sealed class SealInput : NetCoreInput
{
    [Description("Seal only this district (default: every district)"), FlagAlias("district", true)]
    public string? DistrictFlag { get; set; }
}

[Description("Seal districts' chain heads now (the host also seals periodically)", Name = "seal")]
public sealed class SealCommand : JasperFxAsyncCommand<SealInput>
{
    public override Task<bool> Execute(SealInput input) => CommandSupport.RunAsync(input, async services =>
    {
        var store = services.GetRequiredService<IDocumentStore>();
        var clock = services.GetRequiredService<TimeProvider>();
        var districts = input.DistrictFlag is null ? await DistrictSeals.DistrictsAsync(store) : [CommandSupport.District(input.DistrictFlag)];
        foreach (var district in districts)
        {
            var sealedNow = await DistrictSeals.SealAsync(store, district, clock.GetUtcNow());
            Console.WriteLine(sealedNow is null
                ? $"{district}: nothing changed since the last seal"
                : $"{district}: seal {sealedNow.Number} over {sealedNow.Cases} cases, root {sealedNow.MerkleRoot}");
        }

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
                          (bundle.Seal is null ? " (not sealed yet: run `seal` first for a seal proof)" : $", seal {bundle.Seal.Number} root {bundle.Seal.MerkleRoot}"));
        return true;
    });
}

public sealed class VerifyBundleInput
{
    [Description("The bundle file (JSON) to check")]
    public string File { get; set; } = "";
}

[Description("Check an exported case bundle offline: no database, no network", Name = "verify-bundle")]
public sealed class VerifyBundleCommand : JasperFxAsyncCommand<VerifyBundleInput>
{
    public VerifyBundleCommand()
    {
        Usage("Check a bundle").Arguments(x => x.File);
    }

    public override async Task<bool> Execute(VerifyBundleInput input)
    {
        ArgumentNullException.ThrowIfNull(input);
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

        var result = AuditBundles.Verify(bundle);
        Console.WriteLine($"Case {bundle.Case.Id} ({bundle.Case.Kind}, district {bundle.Case.District}): {bundle.Events.Count} events");
        if (!result.Valid)
        {
            foreach (var problem in result.Problems)
            {
                Console.WriteLine($"  PROBLEM: {problem}");
            }

            return CommandSupport.Fail("the bundle does not verify.");
        }

        Console.WriteLine($"  chain intact, head {result.Head}");
        Console.WriteLine(result.SealNumber is null
            ? "  not covered by a seal: compare the head with one you hold"
            : $"  covered by seal {result.SealNumber}; compare its root with the one you hold: {result.MerkleRoot}");
        return true;
    }
}
