using System.Collections.Concurrent;
using System.Reflection;
using Marten;
using Marten.Internal.Storage;
using Marten.Storage;
using Npgsql;

namespace CaseLedger.Audit;

/// <summary>
/// Documents of any registered types written with binary COPY by Marten's own bulk loader, on a connection
/// the caller holds (inside its transaction): what <c>BulkInsertDocumentsAsync</c> does, without the
/// connection and transaction of its own it opens for each call.
/// </summary>
internal sealed class DocumentCopy(IDocumentStore store, Tenant district)
{
    private static readonly MethodInfo LoadMethod = typeof(DocumentCopy).GetMethod(nameof(LoadAsync), BindingFlags.NonPublic | BindingFlags.Instance)!;
    private readonly ConcurrentDictionary<Type, Func<NpgsqlConnection, IEnumerable<object>, CancellationToken, Task>> _loaders = new();
    private readonly ISerializer _serializer = store.Options.Serializer();

    /// <summary>The district's tenant, as Marten's bulk insert finds it.</summary>
    public static async Task<DocumentCopy> ForAsync(IDocumentStore store, string district) =>
        new(store, await ((StoreOptions)store.Options).Tenancy.GetTenantAsync(district));

    /// <summary>Writes the documents, a COPY per type, on the connection.</summary>
    public async Task WriteAsync(NpgsqlConnection connection, IReadOnlyList<object> documents, CancellationToken ct)
    {
        foreach (var group in documents.GroupBy(d => d.GetType()))
        {
            var load = _loaders.GetOrAdd(group.Key, t =>
                LoadMethod.MakeGenericMethod(t).CreateDelegate<Func<NpgsqlConnection, IEnumerable<object>, CancellationToken, Task>>(this));
            await load(connection, group, ct);
        }
    }

    private Task LoadAsync<T>(NpgsqlConnection connection, IEnumerable<object> documents, CancellationToken ct) where T : notnull =>
        ((MartenDocumentProvider<T>)district.Database.Providers.StorageFor<T>()).BulkLoader
            .LoadAsync(district, _serializer, connection, documents.Cast<T>(), ct);
}
