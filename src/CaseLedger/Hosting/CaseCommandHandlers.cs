using CaseLedger.Core;
using Microsoft.Extensions.DependencyInjection;
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
}

/// <summary>Registers, for every declared command, the Wolverine handler that runs it through the pipeline.</summary>
internal static class CaseCommandHandlers
{
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
