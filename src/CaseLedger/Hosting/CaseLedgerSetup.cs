using CaseLedger.Audit;
using CaseLedger.Core;
using CaseLedger.Rules;
using JasperFx.Events;
using JasperFx.Events.Projections;
using Marten;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;
using Weasel.Core;
using Wolverine;

namespace CaseLedger.Hosting;

public static class CaseLedgerSetup
{
    /// <summary>The PostgreSQL schema CaseLedger's tables live in.</summary>
    public const string SchemaName = "caseledger";

    /// <summary>
    /// Configures a Marten store for CaseLedger and the given kinds: one district per tenant
    /// (conjoined tenancy for events and documents), event metadata (user name, correlation,
    /// causation, headers), events and documents as JSON with readable enum names, the hash chain and
    /// audit trail written inline, and each kind's event names, state and read models.
    /// </summary>
    /// <param name="options">The store's options.</param>
    /// <param name="kinds">The case kinds to map.</param>
    /// <param name="receiptKey">The key that signs each write's receipt (the host's seal key); none: writes get no receipt.</param>
    public static StoreOptions AddCaseLedger(this StoreOptions options, CaseKinds kinds, SealKey? receiptKey = null) =>
        options.AddCaseLedger(kinds, receiptKey, digestRecords: true);

    /// <summary>
    /// As the public overload; without <paramref name="digestRecords"/> no digest record is kept of the
    /// documents written by id: only for measuring what vouching costs (the ballot benchmark's baseline).
    /// </summary>
    internal static StoreOptions AddCaseLedger(this StoreOptions options, CaseKinds kinds, SealKey? receiptKey, bool digestRecords)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(kinds);
        options.DatabaseSchemaName = SchemaName;
        options.Events.StreamIdentity = StreamIdentity.AsGuid;
        options.Events.TenancyStyle = JasperFx.MultiTenancy.TenancyStyle.Conjoined;
        options.Policies.AllDocumentsAreMultiTenanted();
        options.Events.MetadataConfig.HeadersEnabled = true;
        options.Events.MetadataConfig.CausationIdEnabled = true;
        options.Events.MetadataConfig.CorrelationIdEnabled = true;
        options.Events.MetadataConfig.UserNameEnabled = true;
        options.Serializer(StoreJson.Create());
        // A command loads the case's inline snapshot with FetchForExclusiveWriting; this hands that same
        // object to the inline projection instead of reading the snapshot a second time.
        options.Events.UseIdentityMapForAggregates = true;
        // Rich appends give inline projections each event's global sequence and its stored timestamp,
        // which the hash chain and the audit trail record.
        options.Events.AppendMode = EventAppendMode.Rich;
        options.Projections.Add(new HashChainProjection(options.Serializer, receiptKey), ProjectionLifecycle.Inline, HashChainProjection.Name);
        if (receiptKey is not null)
        {
            Core.Vouching.ReceiptIssuing.MarkOn(options, receiptKey);
        }

        options.Schema.For<Core.Vouching.IssuedReceipt>().Index(r => r.CaseId);
        kinds.PreloadWithEveryCase<ChainHead>();
        options.Schema.For<ChainLink>().Index(l => l.CaseId);
        options.Projections.Add(new AuditTrailProjection(kinds), ProjectionLifecycle.Inline, AuditTrailProjection.Name);
        if (digestRecords)
        {
            options.Projections.Add(new Core.Vouching.VouchedDocumentsProjection(kinds, options.Serializer), ProjectionLifecycle.Inline,
                Core.Vouching.VouchedDocumentsProjection.Name);
        }

        options.Schema.For<Core.Vouching.TamperFinding>().Index(f => f.FoundAt).Index(f => f.CaseId);
        DistrictSeals.Register(options);
        Core.Service.ServiceEvents.Register(options);
        Core.Service.CaseService.Register(options, kinds);
        Core.Summaries.SummaryStore.Register(options, kinds);
        options.Schema.For<DistrictRecord>().SingleTenanted();
        options.Schema.For<IdempotencyRecord>().Index(r => r.ClaimedAt);
        AuditTrail.Register(options);
        foreach (var kind in kinds.All)
        {
            kind.Configure(options);
        }

        return options;
    }

    /// <summary>
    /// The one call a Wolverine application makes to host CaseLedger: the kinds (CaseLedger's standard
    /// ones unless given), a Wolverine handler for each of their commands, the command pipeline, the
    /// rule book (the kinds' rules, then configuration), a clock, sealing (its key, witness folder and
    /// period) and the periodic sealer, and the Marten configuration, whose log (category
    /// <c>CaseLedger.Store</c>) never holds SQL parameters or events. The application still chooses its
    /// own connection with <c>AddMarten(...).IntegrateWithWolverine()</c>.
    /// </summary>
    public static WolverineOptions UseCaseLedger(this WolverineOptions options, CaseKinds? kinds = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        kinds ??= StandardKinds.Create();
        options.Discovery.IncludeAssembly(typeof(CaseLedgerSetup).Assembly);
        options.Services.AddSingleton(kinds);
        options.Services.TryAddSingleton(TimeProvider.System);
        options.Services.TryAddSingleton(sp => kinds.RulesFrom(sp.GetRequiredService<IConfiguration>()));
        // Commands decide only on documents the hash chain vouches for; findings are logged, counted and kept.
        options.Services.TryAddSingleton<Core.Vouching.ICaseEvidence>(sp => new ChainEvidence(sp.GetRequiredService<IDocumentStore>(), kinds));
        options.Services.TryAddSingleton<Core.Vouching.ITamperFindings, TamperFindingRecorder>();
        options.Services.TryAddSingleton<CasePipeline>();
        // Imports of recorded history: decided as the pipeline decides, the still-running deadlines scheduled as it schedules them.
        options.Services.TryAddSingleton(sp => new Import.HistoryImport(sp.GetRequiredService<IDocumentStore>(), kinds,
            sp.GetRequiredService<RuleBook>(), sp.GetRequiredService<TimeProvider>(), sp.GetService<Core.Deadlines.IDeadlineScheduler>()));
        options.Services.TryAddSingleton<DistrictRegistry>();
        options.Services.AddHostedService<ConfiguredDistricts>();
        options.Services.TryAddSingleton(sp => sp.GetRequiredService<IConfiguration>().GetValue<double?>("CaseLedger:Idempotency:RetentionHours") is { } hours
            ? new IdempotencyRetention(TimeSpan.FromHours(hours > 0 ? hours : throw new InvalidOperationException("CaseLedger:Idempotency:RetentionHours must be more than 0.")))
            : IdempotencyRetention.Default);
        options.Services.AddHostedService<IdempotencyPurge>();
        // Each write's receipt is signed with the seal key, which is kept outside the database.
        options.Services.ConfigureMarten((services, store) => store.AddCaseLedger(kinds, services.GetRequiredService<Sealing>().Key));
        // A host with a data folder of its own registers its Sealing first; a plain application names
        // its folder (or its key and witness folder) in configuration.
        options.Services.TryAddSingleton(sp =>
        {
            var configuration = sp.GetRequiredService<IConfiguration>();
            return Sealing.From(configuration, configuration["CaseLedger:DataFolder"]);
        });
        // Marten's own logger would write failed commands with their parameters: whole events, people's names.
        options.Services.ConfigureMarten((services, store) =>
            store.Logger(new StoreLogger(services.GetRequiredService<ILoggerFactory>().CreateLogger(StoreLogger.Category))));
        options.Services.AddHostedService<PeriodicSealing>();
        foreach (var command in kinds.All.SelectMany(k => k.Commands))
        {
            CaseCommandHandlers.Register(options, command);
        }

        CaseCommandHandlers.QuietenInlineFailures(options.Services);
        // Deadlines: each check scheduled for its due time in the command's transaction, and the sweep.
        DeadlineHosting.Register(options);

        return options;
    }
}
