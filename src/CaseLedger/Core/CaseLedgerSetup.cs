using CaseLedger.Audit;
using CaseLedger.Rules;
using JasperFx.Events.Projections;
using JasperFx.Events;
using Marten;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Weasel.Core;
using Wolverine;

namespace CaseLedger.Core;

/// <summary>The case kinds being added to a store; returned by <c>AddCaseLedger</c> so kinds chain on it.</summary>
public sealed class CaseLedgerStoreOptions
{
    internal CaseLedgerStoreOptions(StoreOptions store, CaseKinds kinds)
    {
        Store = store;
        Kinds = kinds;
    }

    public StoreOptions Store { get; }

    public CaseKinds Kinds { get; }

    /// <summary>Adds a case kind: it maps its events and registers its projections.</summary>
    public CaseLedgerStoreOptions AddKind(CaseKind kind)
    {
        ArgumentNullException.ThrowIfNull(kind);
        if (Kinds.Named(kind.Name) is null)
        {
            Kinds.Add(kind);
            kind.Configure(Store);
        }

        return this;
    }
}

public static class CaseLedgerSetup
{
    /// <summary>The PostgreSQL schema CaseLedger's tables live in.</summary>
    public const string SchemaName = "caseledger";

    /// <summary>
    /// Configures a Marten store for CaseLedger: one district per tenant (conjoined tenancy for events
    /// and documents), event metadata (user name, correlation, causation, headers) switched on, events
    /// and documents as JSON with readable enum names. Chain the kinds on the result.
    /// </summary>
    public static CaseLedgerStoreOptions AddCaseLedger(this StoreOptions options, CaseKinds? kinds = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        kinds ??= new CaseKinds();
        options.DatabaseSchemaName = SchemaName;
        options.Events.StreamIdentity = StreamIdentity.AsGuid;
        options.Events.TenancyStyle = JasperFx.MultiTenancy.TenancyStyle.Conjoined;
        options.Policies.AllDocumentsAreMultiTenanted();
        options.Events.MetadataConfig.HeadersEnabled = true;
        options.Events.MetadataConfig.CausationIdEnabled = true;
        options.Events.MetadataConfig.CorrelationIdEnabled = true;
        options.Events.MetadataConfig.UserNameEnabled = true;
        options.UseSystemTextJsonForSerialization(EnumStorage.AsString, Casing.CamelCase);
        // A command loads the case's inline snapshot with FetchForWriting; this hands that same object to
        // the inline projection instead of reading the snapshot a second time before it is updated.
        options.Events.UseIdentityMapForAggregates = true;
        // Rich appends give inline projections each event's global sequence and its stored timestamp,
        // which the hash chain and the audit trail record.
        options.Events.AppendMode = EventAppendMode.Rich;
        options.Projections.Add(new HashChainProjection(options.Serializer), ProjectionLifecycle.Inline, HashChainProjection.Name);
        options.Schema.For<ChainLink>().Index(l => l.CaseId);
        options.Projections.Add(new AuditTrailProjection(kinds), ProjectionLifecycle.Inline, AuditTrailProjection.Name);
        DistrictSeals.Register(options);
        options.Schema.For<AuditEntry>().Index(a => a.CaseId).Index(a => a.Actor).Index(a => a.Time).Index(a => a.Sequence);
        return new CaseLedgerStoreOptions(options, kinds);
    }

    /// <summary>
    /// The one call a Wolverine application makes to host CaseLedger: its handlers and endpoints, the
    /// rule book (from configuration), a clock, and the Marten configuration with the given kinds.
    /// The application still chooses its own connection with <c>AddMarten(...).IntegrateWithWolverine()</c>.
    /// </summary>
    public static WolverineOptions UseCaseLedger(this WolverineOptions options, Action<CaseLedgerStoreOptions> kinds)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(kinds);
        var registry = new CaseKinds();
        options.Discovery.IncludeAssembly(typeof(CaseLedgerSetup).Assembly);
        options.Services.AddSingleton(registry);
        options.Services.TryAddSingleton(TimeProvider.System);
        options.Services.TryAddSingleton(sp => RuleBook.FromConfiguration(sp.GetRequiredService<IConfiguration>()));
        options.Services.ConfigureMarten(store => kinds(store.AddCaseLedger(registry)));
        options.Services.AddHostedService<PeriodicSealing>();
        return options;
    }
}
