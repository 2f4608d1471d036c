using System.Text.Json;
using CaseLedger.Audit;
using CaseLedger.Core.Vouching;
using JasperFx.CommandLine;
using Marten;
using Microsoft.Extensions.DependencyInjection;

namespace CaseLedger.Host.Commands;

public sealed class VerifyReceiptInput : NetCoreInput
{
    [Description("The receipt: a file holding the receipt's JSON (as a write's body carried it) or its CaseLedger-Receipt header value")]
    public string File { get; set; } = "";

    [Description("Check offline with this public seal key (PEM) you trust, instead of against the ledger's database"), FlagAlias("public-key", true)]
    public string? PublicKeyFlag { get; set; }

    [Description("Offline: check the receipt against this exported case bundle (needs --public-key)"), FlagAlias("bundle", true)]
    public string? BundleFlag { get; set; }
}

[Description("Check a write's signed receipt: that it is genuine, and that the receipted version is still in the case unchanged (or was cut off or altered)",
    Name = "verify-receipt")]
public sealed class VerifyReceiptCommand : JasperFxAsyncCommand<VerifyReceiptInput>
{
    public VerifyReceiptCommand()
    {
        Usage("Check a receipt against the ledger").Arguments(x => x.File);
    }

    public override async Task<bool> Execute(VerifyReceiptInput input)
    {
        ArgumentNullException.ThrowIfNull(input);
        string text;
        try
        {
            text = await File.ReadAllTextAsync(input.File);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or ArgumentException or NotSupportedException)
        {
            return CommandSupport.Fail($"cannot read {input.File}: {e.Message}");
        }

        var (receipt, problem) = Receipts.Parse(text);
        if (receipt is null)
        {
            return CommandSupport.Fail($"{input.File}: {problem}");
        }

        if (input.PublicKeyFlag is null && input.BundleFlag is null)
        {
            return await CommandSupport.RunAsync(input, async services =>
                Report(receipt, await Receipts.CheckAsync(services.GetRequiredService<IDocumentStore>(), services.GetRequiredService<Sealing>().Trusted, receipt)));
        }

        if (OfflineKey.Read(input.PublicKeyFlag) is not { } key)
        {
            return false;
        }

        if (input.BundleFlag is null)
        {
            return Report(receipt, Receipts.CheckOffline(receipt, [key]));
        }

        AuditBundle? bundle;
        try
        {
            bundle = JsonSerializer.Deserialize<AuditBundle>(await File.ReadAllTextAsync(input.BundleFlag), AuditBundle.Json);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or JsonException or NotSupportedException)
        {
            return CommandSupport.Fail($"cannot read {input.BundleFlag}: {e.Message}");
        }

        return bundle?.Case is null || bundle.Events is null || bundle.Links is null
            ? CommandSupport.Fail($"{input.BundleFlag} is not a CaseLedger bundle.")
            : Report(receipt, Receipts.CheckAgainst(bundle, [key], receipt));
    }

    private static bool Report(WriteReceipt receipt, ReceiptCheck check)
    {
        var s = receipt.Statement;
        Console.WriteLine($"Receipt for case {s.Case} in {s.District}, version {s.Version}, link {s.Link}, at {s.Time}:");
        Console.WriteLine($"  {check.Status.ToUpperInvariant().Replace('_', ' ')}: {check.Detail}");
        return check.Status is Receipts.Intact or Receipts.Unchecked
            || CommandSupport.Fail(check.Genuine ? "the receipted version is no longer in the case as receipted." : "the receipt is not genuine.");
    }
}
