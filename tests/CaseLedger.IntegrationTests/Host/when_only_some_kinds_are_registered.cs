using CaseLedger.Cases.RenovationVotes;
using CaseLedger.Core;
using CaseLedger.Hosting;
using CaseLedger.Http;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;

namespace CaseLedger.IntegrationTests.Host;

// The endpoints are derived from the kinds registered: a kind left out exposes nothing.
public sealed class when_only_some_kinds_are_registered
{
    [Fact]
    public async Task only_the_registered_kinds_routes_are_mapped()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Services.AddSingleton(new CaseKinds([new RenovationVoteKind()]));
        await using var app = builder.Build();

        app.MapCaseLedger();

        var routes = ((IEndpointRouteBuilder)app).DataSources.SelectMany(s => s.Endpoints).OfType<RouteEndpoint>()
            .Select(e => e.RoutePattern.RawText!).ToList();
        routes.ShouldContain("/districts/{district}/renovation-votes/{caseId:guid}/ballots");
        routes.ShouldContain("/kinds");
        var others = StandardKinds.Create().All.Where(k => k is not RenovationVoteKind).ToList();
        others.ShouldNotBeEmpty();
        routes.ShouldAllBe(r => others.All(k => !r.Contains($"/{k.Route}", StringComparison.Ordinal)
            && k.Queries.All(q => !r.EndsWith(q.Path, StringComparison.Ordinal))));
    }
}
