using CaseLedger.Cases.BirthSupport;
using CaseLedger.Cases.Certificates;
using CaseLedger.Cases.CoFunding;
using CaseLedger.Cases.PortVisas;
using CaseLedger.Cases.PropertyRegistrations;
using CaseLedger.Cases.RenovationVotes;
using CaseLedger.Cases.WorkOrders;
using CaseLedger.Core;

namespace CaseLedger.Hosting;

/// <summary>
/// The case kinds CaseLedger ships, listed once. The host, the command line, the tests and the
/// benchmarks all read this list; adding a kind is its folder and one line here.
/// </summary>
public static class StandardKinds
{
    public static CaseKinds Create() => new(
    [
        new RenovationVoteKind(),
        new CoFundingKind(),
        new CertificateKind(),
        new WorkOrderKind(),
        new BirthSupportKind(),
        new PropertyRegistrationKind(),
        new PortVisaKind(),
    ]);
}
