namespace CaseLedger.Import;

/// <summary>Writes a batch of decided cases in one transaction, or throws (a case already in the district: a collision the import retries without it).</summary>
internal interface IImportWriter
{
    Task WriteAsync(string district, ImportBatch batch, CancellationToken ct);
}
