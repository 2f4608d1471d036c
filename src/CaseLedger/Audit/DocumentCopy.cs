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

    /// <summary>
    /// The columns Marten gives a document table with no duplicated field, in the order Marten's bulk loader
    /// writes them: when the audit trail's table has exactly these, its entries (the rebuild's largest load,
    /// one per event) are serialized by the workers that fold them, not on the one connection that writes.
    /// </summary>
    private const string PlainColumns = "tenant_id, id, data, mt_version, mt_dotnet_type, mt_last_modified";

    /// <summary>Whether the table holds exactly Marten's plain document columns.</summary>
    public static async Task<bool> IsPlainAsync(NpgsqlConnection connection, string table, CancellationToken ct)
    {
        await using var command = new NpgsqlCommand(
            "select string_agg(attname, ', ' order by attname) from pg_attribute where attrelid = cast(@table as regclass) and attnum > 0 and not attisdropped",
            connection);
        command.Parameters.Add(new NpgsqlParameter("table", table));
        var columns = (string?)await command.ExecuteScalarAsync(ct);
        return columns == string.Join(", ", PlainColumns.Split(", ").Order(StringComparer.Ordinal));
    }

    /// <summary>
    /// Documents already serialized (with the store's serializer, as Marten's loader would) written with
    /// binary COPY into a table of Marten's plain columns: the type's name, a new version and the time, as
    /// Marten's loader writes them.
    /// </summary>
    public async Task WriteSerializedAsync(NpgsqlConnection connection, string table, Type type, IReadOnlyList<(Guid Id, string Json)> rows, CancellationToken ct)
    {
        var typeName = type.FullName;
        var now = DateTimeOffset.UtcNow;
        await using var writer = await connection.BeginBinaryImportAsync($"copy {table} ({PlainColumns}) from stdin binary", ct);
        foreach (var (id, json) in rows)
        {
            writer.StartRow();
            writer.Write(district.TenantId, NpgsqlTypes.NpgsqlDbType.Varchar);
            writer.Write(id, NpgsqlTypes.NpgsqlDbType.Uuid);
            writer.Write(json, NpgsqlTypes.NpgsqlDbType.Jsonb);
            writer.Write(Guid.CreateVersion7(now), NpgsqlTypes.NpgsqlDbType.Uuid);
            writer.Write(typeName, NpgsqlTypes.NpgsqlDbType.Varchar);
            writer.Write(now, NpgsqlTypes.NpgsqlDbType.TimestampTz);
        }

        await writer.CompleteAsync(ct);
    }

    private Task LoadAsync<T>(NpgsqlConnection connection, IEnumerable<object> documents, CancellationToken ct) where T : notnull =>
        ((MartenDocumentProvider<T>)district.Database.Providers.StorageFor<T>()).BulkLoader
            .LoadAsync(district, _serializer, connection, documents.Cast<T>(), ct);
}
