using Marten;
using Marten.Internal.Storage;
using Marten.Storage;
using Npgsql;

namespace CaseLedger.Core;

/// <summary>
/// Writes new documents with binary COPY on a connection the caller holds, so inside the caller's
/// transaction (Marten's own bulk insert opens a connection and a transaction of its own). Each type
/// goes through Marten's bulk loader for it: the same columns, JSON and metadata as Marten writes.
/// Inserts only: a document that already exists fails the COPY.
/// </summary>
internal static class DocumentCopy
{
    private static readonly System.Collections.Concurrent.ConcurrentDictionary<Type, ICopier> Copiers = new();

    /// <summary>
    /// Copies the documents into their tables in <paramref name="tenant"/> (the district), one COPY per
    /// type; a table Marten has not made yet is made first, on a connection of its own, as a first write would.
    /// </summary>
    public static async Task InsertAsync(Tenant tenant, ISerializer serializer, NpgsqlConnection connection, IEnumerable<object> documents, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(tenant);
        ArgumentNullException.ThrowIfNull(documents);
        foreach (var group in documents.GroupBy(d => d.GetType()))
        {
            await tenant.Database.EnsureStorageExistsAsync(group.Key, ct);
            var copier = Copiers.GetOrAdd(group.Key, t => (ICopier)Activator.CreateInstance(typeof(Copier<>).MakeGenericType(t))!);
            await copier.CopyAsync(tenant, serializer, connection, group, ct);
        }
    }

    private interface ICopier
    {
        Task CopyAsync(Tenant tenant, ISerializer serializer, NpgsqlConnection connection, IEnumerable<object> documents, CancellationToken ct);
    }

    private sealed class Copier<T> : ICopier where T : notnull
    {
        public Task CopyAsync(Tenant tenant, ISerializer serializer, NpgsqlConnection connection, IEnumerable<object> documents, CancellationToken ct) =>
            ((MartenDocumentProvider<T>)tenant.Database.Providers.StorageFor<T>()).BulkLoader.LoadAsync(tenant, serializer, connection, documents.Cast<T>(), ct);
    }
}
