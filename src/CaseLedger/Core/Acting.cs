using CaseLedger.Rules;
using Marten;
using Wolverine;

namespace CaseLedger.Core;

/// <summary>
/// Who is doing something to a case, in which role, for whom, and through which channel. Every event
/// appended by a command carries this as event metadata: the actor as Marten's user name,
/// correlation and causation as Marten's ids, the rest as headers (<see cref="CaseHeaders"/>).
/// </summary>
/// <param name="Actor">The signed-in person or service that acted (a token's subject).</param>
/// <param name="Channel">Where the step came in (for a person signed in online, the application that signed them in).</param>
/// <param name="Role">The role the actor acted in; the command's declaration says which roles may issue it.</param>
/// <param name="OnBehalfOf">The person the actor served, when that is someone else (a proxy, a clerk entering a paper ballot).</param>
/// <param name="CorrelationId">Ties together everything done for one request or business conversation.</param>
/// <param name="CausationId">The message or request that caused this step.</param>
public sealed record Acting(
    string Actor,
    Channel Channel,
    Role Role,
    string? OnBehalfOf = null,
    string? CorrelationId = null,
    string? CausationId = null)
{
    /// <summary>CaseLedger itself, in the system's role and channel: what it records that no person did (a breach).</summary>
    public static Acting ByCaseLedger { get; } = new("caseledger", Channel.System, Role.System);

    /// <summary>Who vouched for the actor: the issuer of the token the actor signed in with, when there was one.</summary>
    public string? Issuer { get; init; }

    /// <summary>The partner institution the actor works for (a token's <c>institution</c> claim); required in the partner's role.</summary>
    public string? Institution { get; init; }

    /// <summary>Checks the context itself; a proxy (by channel or by role) must say whom the actor served, a resident serves only themselves.</summary>
    public Rejection? Validate()
    {
        if (string.IsNullOrWhiteSpace(Actor))
        {
            return new Rejection("acting.actor_missing", "Every step needs an actor: say who acted.", RejectionKind.Invalid);
        }

        if ((Channel == Channel.Proxy || Role == Role.Proxy) && string.IsNullOrWhiteSpace(OnBehalfOf))
        {
            return new Rejection(
                "acting.on_behalf_of_missing",
                "A proxy (help-and-handle) step must name the person it was done for.",
                RejectionKind.Invalid);
        }

        if (Role == Role.Partner && string.IsNullOrWhiteSpace(Institution))
        {
            return new Rejection("acting.institution_missing", "A partner acts for its institution: say which.", RejectionKind.Invalid);
        }

        if (Role == Role.Resident && !string.IsNullOrWhiteSpace(OnBehalfOf) && OnBehalfOf != Actor)
        {
            return new Rejection("auth.resident_acts_for_self", "A resident acts only for themselves, never on someone else's behalf.",
                RejectionKind.Forbidden);
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
        session.SetHeader(CaseHeaders.Role, Roles.NameOf(Role));
        if (Issuer is not null)
        {
            session.SetHeader(CaseHeaders.Issuer, Issuer);
        }

        if (Institution is not null)
        {
            session.SetHeader(CaseHeaders.Institution, Institution);
        }

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
        options.Headers[CaseHeaders.Role] = Roles.NameOf(Role);
        if (Issuer is not null)
        {
            options.Headers[CaseHeaders.Issuer] = Issuer;
        }

        if (Institution is not null)
        {
            options.Headers[CaseHeaders.Institution] = Institution;
        }

        if (OnBehalfOf is not null)
        {
            options.Headers[CaseHeaders.OnBehalfOf] = OnBehalfOf;
        }

        return options;
    }

    /// <summary>
    /// Reads the context back from a message envelope, as <see cref="ToDeliveryOptions"/> wrote it. A
    /// message that does not carry a whole acting context (actor, channel and role by name) is refused
    /// rather than given a default: nothing is appended anonymously or in a role nobody claimed.
    /// </summary>
    public static (Acting? Acting, Rejection? Refused) FromEnvelope(Envelope? envelope)
    {
        var headers = envelope?.Headers ?? new Dictionary<string, string?>();
        var actor = headers.GetValueOrDefault(CaseHeaders.Actor);
        if (string.IsNullOrWhiteSpace(actor) || !Channels.TryParse(headers.GetValueOrDefault(CaseHeaders.Channel), out var channel)
            || !Roles.TryParse(headers.GetValueOrDefault(CaseHeaders.Role), out var role))
        {
            return (null, new Rejection("acting.incomplete",
                $"A command message must carry its acting context: the headers {CaseHeaders.Actor}, {CaseHeaders.Channel} (a channel's name) " +
                $"and {CaseHeaders.Role} (one of {string.Join(", ", Roles.Names)}).", RejectionKind.Invalid));
        }

        return (new Acting(actor, channel, role, headers.GetValueOrDefault(CaseHeaders.OnBehalfOf), envelope?.CorrelationId, envelope?.Id.ToString())
        {
            Issuer = headers.GetValueOrDefault(CaseHeaders.Issuer),
            Institution = headers.GetValueOrDefault(CaseHeaders.Institution),
        }, null);
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
    /// <summary>The role the actor acted in (<see cref="Roles.NameOf"/>).</summary>
    public const string Role = "role";
    /// <summary>The issuer of the token the actor signed in with.</summary>
    public const string Issuer = "issuer";
    /// <summary>The kind whose case an event is in, on the events of kinds that record the core's shared (deadline) events.</summary>
    public const string Kind = "kind";
    /// <summary>The partner institution a partner's clerk acted for.</summary>
    public const string Institution = "institution";

    /// <summary>On an event imported from a district's recorded history (docs/import.md): the import it came in by.</summary>
    public const string Imported = "imported";
}
