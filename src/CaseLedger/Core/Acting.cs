using CaseLedger.Rules;
using Marten;
using Wolverine;

namespace CaseLedger.Core;

/// <summary>
/// Who is doing something to a case, for whom, and through which channel. Every event appended by a
/// command carries this as event metadata: the actor as Marten's user name, correlation and causation
/// as Marten's ids, the rest as headers (<see cref="CaseHeaders"/>).
/// </summary>
/// <param name="Actor">The clerk, resident or system that acted.</param>
/// <param name="Channel">Where the step came in.</param>
/// <param name="OnBehalfOf">The person the actor served, when that is someone else (proxy service).</param>
/// <param name="CorrelationId">Ties together everything done for one request or business conversation.</param>
/// <param name="CausationId">The message or request that caused this step.</param>
public sealed record Acting(
    string Actor,
    Channel Channel,
    string? OnBehalfOf = null,
    string? CorrelationId = null,
    string? CausationId = null)
{
    /// <summary>Checks the context itself; a proxy channel must say whom the actor served.</summary>
    public Rejection? Validate()
    {
        if (string.IsNullOrWhiteSpace(Actor))
        {
            return new Rejection("acting.actor_missing", "Every step needs an actor: say who acted.", RejectionKind.Invalid);
        }

        if (Channel == Channel.Proxy && string.IsNullOrWhiteSpace(OnBehalfOf))
        {
            return new Rejection(
                "acting.on_behalf_of_missing",
                "A proxy (help-and-handle) step must name the person it was done for.",
                RejectionKind.Invalid);
        }

        return null;
    }

    /// <summary>The person the step was for: the one served, or the actor when acting for themselves.</summary>
    public string Subject => string.IsNullOrWhiteSpace(OnBehalfOf) ? Actor : OnBehalfOf;

    /// <summary>Stamps the metadata of every event this session appends.</summary>
    public void ApplyTo(IDocumentSession session, RuleRef? rule = null)
    {
        session.LastModifiedBy = Actor;
        if (CorrelationId is not null)
        {
            session.CorrelationId = CorrelationId;
        }

        if (CausationId is not null)
        {
            session.CausationId = CausationId;
        }

        session.SetHeader(CaseHeaders.Channel, Channel.ToString());
        if (!string.IsNullOrWhiteSpace(OnBehalfOf) && OnBehalfOf != Actor)
        {
            session.SetHeader(CaseHeaders.OnBehalfOf, OnBehalfOf);
        }

        if (rule is not null)
        {
            session.SetHeader(CaseHeaders.Rule, rule.ToString());
        }
    }

    /// <summary>Carries this context, and the district, on a Wolverine message.</summary>
    public DeliveryOptions ToDeliveryOptions(string district)
    {
        var options = new DeliveryOptions { TenantId = district, CorrelationId = CorrelationId, CausationId = CausationId };
        options.Headers[CaseHeaders.Actor] = Actor;
        options.Headers[CaseHeaders.Channel] = Channel.ToString();
        if (OnBehalfOf is not null)
        {
            options.Headers[CaseHeaders.OnBehalfOf] = OnBehalfOf;
        }

        return options;
    }

    /// <summary>
    /// Reads the context back from a message envelope. A message without an actor header names the
    /// sending service (<see cref="Envelope.Source"/>) so that nothing is ever appended anonymously.
    /// </summary>
    public static Acting FromEnvelope(Envelope? envelope)
    {
        var headers = envelope?.Headers ?? new Dictionary<string, string?>();
        var actor = headers.GetValueOrDefault(CaseHeaders.Actor) ?? envelope?.UserName ?? envelope?.Source ?? "";
        var channel = Channels.TryParse(headers.GetValueOrDefault(CaseHeaders.Channel), out var c) ? c : Channel.ServiceWindow;
        return new Acting(actor, channel, headers.GetValueOrDefault(CaseHeaders.OnBehalfOf), envelope?.CorrelationId,
            envelope?.Id.ToString());
    }
}

/// <summary>Names of the event and message headers CaseLedger writes.</summary>
public static class CaseHeaders
{
    public const string Actor = "actor";
    public const string OnBehalfOf = "on-behalf-of";
    public const string Channel = "channel";
    /// <summary>The rule id and version the case is decided under, as <c>id@version</c>.</summary>
    public const string Rule = "rule";
}
