using CaseLedger.Core;
using JasperFx;
using JasperFx.Events;
using Marten;

namespace CaseLedger.Benchmarks;

/// <summary>
/// A baseline store: CaseLedger's tenancy, event metadata and serializer settings and the given event
/// names, and nothing of CaseLedger's own (no projection, no chain): what Marten costs on its own.
/// </summary>
internal static class PeerStore
{
    public static void Configure(StoreOptions o, string connection, string schema, IEnumerable<KeyValuePair<Type, string>> eventNames)
    {
        o.Connection(connection);
        o.AutoCreateSchemaObjects = AutoCreate.All;
        o.DatabaseSchemaName = schema;
        o.Events.StreamIdentity = StreamIdentity.AsGuid;
        o.Events.TenancyStyle = JasperFx.MultiTenancy.TenancyStyle.Conjoined;
        o.Events.MetadataConfig.HeadersEnabled = true;
        o.Events.MetadataConfig.CausationIdEnabled = true;
        o.Events.MetadataConfig.CorrelationIdEnabled = true;
        o.Events.MetadataConfig.UserNameEnabled = true;
        o.Serializer(StoreJson.Create());
        o.Policies.AllDocumentsAreMultiTenanted();
        foreach (var (type, name) in eventNames)
        {
            o.Events.MapEventType(type, name);
        }
    }
}
