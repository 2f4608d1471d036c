using System.ComponentModel.DataAnnotations;
using CaseLedger.Core;
using CaseLedger.Core.Deadlines;
using CaseLedger.Hosting;
using CaseLedger.Http.Identity;
using CaseLedger.Rules;
using Marten;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Routing;

namespace CaseLedger.Http;

/// <summary>A district to set up: its id (lower-case letters, digits and dashes) and its name.</summary>
public sealed record SetUpDistrict([property: MaxLength(63)] string Id, [property: MaxLength(InputLimits.Name)] string Name);

/// <summary>
/// The districts this deployment serves: listed for anyone signed in (those their token grants), set
/// up by an administrator; and a district's on-time rate over every kind, for its staff and readers.
/// </summary>
internal static class DistrictEndpoints
{
    public const int MaxNameLength = InputLimits.Name;

    private static readonly ApiProblem NameInvalid = new(StatusCodes.Status400BadRequest, "district.name_invalid");
    private static readonly ApiProblem Exists = new(StatusCodes.Status409Conflict, "district.exists");

    public static void Map(IEndpointRouteBuilder app)
    {
        app.MapGet("/districts", async ([FromServices] DistrictRegistry registry, HttpContext http) =>
            {
                var granted = CaseLedgerClaims.DistrictsOf(http.User);
                // Read by the token's grants (the table's key), so the answer is sized by them, not by the registry.
                return Results.Ok(await registry.AmongAsync([.. granted], http.RequestAborted));
            })
            .WithName("ListDistricts").WithSummary("The districts set up here that your token grants").WithTags("ledger")
            .Produces<IReadOnlyList<DistrictRecord>>();
        app.MapPost("/districts", async ([FromServices] DistrictRegistry registry, HttpContext http) =>
            {
                var (district, _, refused) = await CaseHttp.ReadBodyAsync<SetUpDistrict>(http);
                if (refused is not null)
                {
                    return refused;
                }

                if (CaseHttp.CheckDistrict(district!.Id) is { } malformed)
                {
                    return malformed;
                }

                if (district.Name.Trim().Length is 0 or > MaxNameLength)
                {
                    return CaseHttp.Problem(NameInvalid, $"A district's name is 1 to {MaxNameLength} characters.");
                }

                if (!CaseLedgerClaims.MayTouch(http.User, district.Id))
                {
                    return CaseHttp.Problem(ApiProblems.DistrictNotGranted,
                        $"Your token does not grant district '{district.Id}': an administrator sets up the districts it administers.");
                }

                return await registry.RegisterAsync(district.Id, district.Name.Trim(), http.RequestAborted)
                    ? Results.Created($"/districts/{district.Id}", district)
                    : CaseHttp.Problem(Exists, $"District '{district.Id}' is set up already.");
            })
            .WithName("SetUpDistrict").WithSummary("Set a district up, so cases may be opened in it").WithTags("ledger")
            .RequireAuthorization(IdentitySetup.For(Role.Administrator))
            .Accepts<SetUpDistrict>("application/json")
            .Produces<SetUpDistrict>(StatusCodes.Status201Created)
            .WithMetadata(new ProblemsAttribute([ApiProblems.DistrictInvalid, NameInvalid, ApiProblems.DistrictNotGranted, Exists]));
    }
}
