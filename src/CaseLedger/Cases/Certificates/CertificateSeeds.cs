using CaseLedger.Core;
using CaseLedger.Rules;
using Marten;

namespace CaseLedger.Cases.Certificates;

/// <summary>
/// Reads demo applications from <c>seeds/certificates/*.json</c> and replays them through the kind's own
/// decisions at the times they record, so seeded history is exactly what the live system would write.
/// </summary>
public static class CertificateSeeds
{
    /// <summary>One district's demo applications.</summary>
    public sealed record SeedFile(string District, IReadOnlyList<SeedApplication> Applications);

    /// <summary>Who acted, through which channel, and when.</summary>
    public sealed record SeedActing(string Actor, Channel Channel, DateTimeOffset At, string? OnBehalfOf = null)
    {
        public Acting Acting => new(Actor, Channel, OnBehalfOf);
    }

    /// <summary>A lifecycle step; back-office steps default to the service window channel, as the host does.</summary>
    public sealed record SeedStep(
        CertificateStep Step,
        string Actor,
        DateTimeOffset At,
        Channel Channel = Channel.ServiceWindow,
        string? Reason = null,
        string? TrackingReference = null);

    /// <summary>One application and its steps; when <c>ExpectedRoute</c> is given, the load fails if the rules decide another.</summary>
    public sealed record SeedApplication(
        Guid ApplicationId,
        DocumentType DocumentType,
        ApplicantFacts Applicant,
        ExistingDocument ExistingDocument,
        SeedActing Applied,
        CertificateRoute? ExpectedRoute,
        IReadOnlyList<SeedStep>? Steps);

    public static async Task<int> LoadAsync(IDocumentStore store, RuleBook rules, string folder, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(store);
        ArgumentNullException.ThrowIfNull(rules);
        var cases = 0;
        await foreach (var (path, file) in SeedFiles.ReadAsync<SeedFile>(folder, ct))
        {
            foreach (var application in file.Applications)
            {
                await LoadApplicationAsync(store, rules, file.District, application, path, ct);
                cases++;
            }
        }

        return cases;
    }

    private static async Task LoadApplicationAsync(
        IDocumentStore store, RuleBook rules, string district, SeedApplication seed, string path, CancellationToken ct)
    {
        var apply = new ApplyForCertificate(seed.ApplicationId, seed.DocumentType, seed.Applicant, seed.ExistingDocument);
        var applied = seed.Applied;
        var decision = ApplyingForACertificate.Decide(apply, applied.Channel, applied.At, rules);
        var route = decision.Events.OfType<CertificateEligibilityDecided>().FirstOrDefault()?.Route;
        if (decision.IsAccepted && seed.ExpectedRoute is { } expected && route != expected)
        {
            throw new InvalidDataException(
                $"{path}: application {seed.ApplicationId} was meant to go {expected} but the rules decided {route}.");
        }

        Expect(path, seed, await Step(store, district, session =>
            CaseCommands.StartAsync<Certificate>(session, seed.ApplicationId, applied.Acting, () => decision, ct)));

        foreach (var step in seed.Steps ?? [])
        {
            Expect(path, seed, await Step(store, district, session => CaseCommands.ExecuteAsync<Certificate>(
                session, seed.ApplicationId, null, new Acting(step.Actor, step.Channel), state => Decide(seed.ApplicationId, step, state), ct)));
        }
    }

    private static Decision Decide(Guid id, SeedStep step, Certificate state) => step.Step switch
    {
        CertificateStep.Review => ReviewingAnApplication.Decide(new ReviewCertificateApplication(id), state, step.At),
        CertificateStep.Approve => ReviewingAnApplication.Decide(new ApproveCertificate(id), state, step.At),
        CertificateStep.Reject => ReviewingAnApplication.Decide(new RejectCertificateApplication(id, step.Reason ?? ""), state, step.At),
        CertificateStep.Produce => IssuingACertificate.Decide(new ProduceCertificate(id), state, step.At),
        CertificateStep.Mail => IssuingACertificate.Decide(new MailCertificate(id, step.TrackingReference ?? ""), state, step.At),
        CertificateStep.Deliver => IssuingACertificate.Decide(new RecordCertificateDelivery(id), state, step.At),
        _ => Decision.Reject("certificate.seed_step_unknown", $"'{step.Step}' is not a lifecycle step.", RejectionKind.Invalid),
    };

    private static async Task<CommandOutcome> Step(IDocumentStore store, string district, Func<IDocumentSession, Task<CommandOutcome>> step)
    {
        await using var session = store.LightweightSession(district);
        return await step(session);
    }

    private static void Expect(string path, SeedApplication seed, CommandOutcome outcome)
    {
        if (outcome.Rejection is { } rejection)
        {
            throw new InvalidDataException($"{path}: application {seed.ApplicationId} could not be replayed: {rejection.Code}: {rejection.Reason}");
        }
    }
}
