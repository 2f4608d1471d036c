using CaseLedger.Core;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Wolverine;
using Wolverine.Runtime;
using Wolverine.Runtime.Handlers;

namespace CaseLedger.Hosting;

/// <summary>
/// A command for one case, as a Wolverine message: <c>bus.InvokeAsync&lt;CommandOutcome&gt;(new
/// CaseCommand&lt;CastBallot&gt;(voteId, ballot), acting.ToDeliveryOptions("yuelu"))</c>. The district
/// is the message's tenant; who acts travels in its headers.
/// </summary>
public sealed record CaseCommand<TCommand>(Guid CaseId, TCommand Command, long? ExpectedVersion = null) where TCommand : class
{
    /// <summary>The idempotency key the request was claimed under, completed in the command's own transaction.</summary>
    public IdempotencyClaim? Idempotency { get; init; }

    /// <summary>
    /// Names the command and the case only. Wolverine writes a message into the log when handling it
    /// fails; a record's own text would print the whole command, an applicant's name and birth date with it.
    /// </summary>
    public override string ToString() => $"CaseCommand<{typeof(TCommand).Name}> for case {CaseId}";
}

/// <summary>Registers, for every declared command, the Wolverine handler that runs it through the pipeline.</summary>
internal static class CaseCommandHandlers
{
    /// <summary>
    /// The log category Wolverine writes a failed <see cref="CaseCommand{TCommand}"/> under (the message
    /// type's name), at error level with the whole exception, before it rethrows the failure to the caller.
    /// </summary>
    public static readonly string LogCategory = $"{typeof(CaseCommand<>).Namespace}.{nameof(CaseCommand<object>)}";

    /// <summary>
    /// Leaves only critical lines in <see cref="LogCategory"/>. The caller of an inline command gets
    /// the exception and answers it (the HTTP edge: 503 in one line when the database is down, a 500
    /// logged with its exception otherwise), so Wolverine's line only repeated it, a stack trace per
    /// request, and it cannot be lowered by a handler's settings.
    /// </summary>
    public static void QuietenInlineFailures(IServiceCollection services) =>
        services.Configure<LoggerFilterOptions>(filters => filters.AddFilter(LogCategory, LogLevel.Critical));

    public static void Register(WolverineOptions options, CommandDeclaration command)
    {
        var handler = (IMessageHandler)Activator.CreateInstance(typeof(Handler<>).MakeGenericType(command.CommandType))!;
        options.AddMessageHandler(typeof(CaseCommand<>).MakeGenericType(command.CommandType), handler);
    }

    /// <summary>Runs one declared command; pre-built, so Wolverine generates no code for it.</summary>
    private sealed class Handler<TCommand> : MessageHandler<CaseCommand<TCommand>> where TCommand : class
    {

        protected override async Task HandleAsync(CaseCommand<TCommand> message, MessageContext context, CancellationToken cancellation)
        {
            var envelope = context.Envelope!;
            var pipeline = context.Runtime.Services.GetRequiredService<CasePipeline>();
            var (acting, refused) = Acting.FromEnvelope(envelope);
            var outcome = refused is not null
                ? CommandOutcome.Rejected(message.CaseId, refused)
                : await pipeline.ExecuteAsync(new CommandRequest(envelope.TenantId ?? "", message.CaseId, message.Command, acting!)
                {
                    ExpectedVersion = message.ExpectedVersion,
                    Idempotency = message.Idempotency,
                }, cancellation);
            if (!string.IsNullOrEmpty(envelope.ReplyRequested))
            {
                await context.EnqueueCascadingAsync(outcome);
            }
        }
    }
}
