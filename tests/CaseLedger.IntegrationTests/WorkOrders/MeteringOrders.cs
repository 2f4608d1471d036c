using System.Net;
using CaseLedger.Core;
using CaseLedger.IntegrationTests.Infrastructure;
using static CaseLedger.IntegrationTests.Infrastructure.LedgerHost;

namespace CaseLedger.IntegrationTests.WorkOrders;

/// <summary>Metering problems reported over the host's HTTP API by a hotline operator, the orders whose contact and arrival promises the deadline tests watch.</summary>
internal static class MeteringOrders
{
    /// <summary>Reports the <paramref name="i"/>-th order of a test (its reporter and address numbered by it); returns the new order's id.</summary>
    public static async Task<Guid> ReportAsync(LedgerHost host, string district, int i)
    {
        var response = await host.Client.SendAsync(Request(HttpMethod.Post, $"/districts/{district}/work-orders", new
        {
            reporter = $"user-{i:0000}",
            category = "MeteringProblem",
            address = $"{i} Baoqing Road",
            description = "The meter runs with every tap closed",
            residentialCompound = false,
        }, actor: "hotline-operator-1", channel: "Hotline", role: Role.Clerk));
        response.StatusCode.ShouldBe(HttpStatusCode.Created, await response.Content.ReadAsStringAsync());
        return (await ReadAsync<CommandOutcome>(response)).CaseId;
    }
}
