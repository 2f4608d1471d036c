using System.Net;
using System.Net.Http.Json;
using CaseLedger.IntegrationTests.Infrastructure;

namespace CaseLedger.IntegrationTests.Host;

// The host as deployed: the Production environment, no identity provider configured, on its own embedded
// cluster. It serves on its own key and says at start how to configure a provider; nobody can sign in as
// whoever they like; and the cluster's password, which its connection string carries, is in none of its
// output. Part of an embedded host's life (EmbeddedHostLife).
[Collection(EmbeddedHostCollection.Name)]
public sealed class when_the_embedded_host_runs_in_production(EmbeddedHostLife life)
{
    private readonly InProduction run = life.Production;

    [Fact]
    public void the_development_sign_in_does_not_exist()
    {
        run.DevelopmentSignIn.ShouldBe(HttpStatusCode.Unauthorized, "no such route: the request is anonymous, so it is refused as any would be");
        run.DescribesDevelopmentSignIn.ShouldBeFalse();
    }

    [Fact]
    public void it_says_at_start_how_to_configure_an_identity_provider()
    {
        run.StartOutput.ShouldContain("No identity provider configured");
        run.StartOutput.ShouldContain("CaseLedger:Identity:Authority");
        run.StartOutput.ShouldContain("docs/identity.md");
    }

    [Fact]
    public void the_clusters_password_is_in_no_output_of_either_host()
    {
        run.Password.Length.ShouldBe(64);
        life.First.Output.ShouldNotContain(run.Password);
        life.Crash.SecondOutput.ShouldNotContain(run.Password);
        run.StartOutput.ShouldContain(life.First.DataDirectory + ".password", customMessage: "the start says where the password is kept");
    }

    /// <summary>What the first host of the life shows of itself before any traffic.</summary>
    public sealed class InProduction
    {
        private static readonly string[] AllPowerful = ["administrator"];

        public HttpStatusCode DevelopmentSignIn { get; private set; }

        public bool DescribesDevelopmentSignIn { get; private set; }

        public string Password { get; private set; } = "";

        public string StartOutput { get; private set; } = "";

        public async Task RunAsync(HostProcess host)
        {
            ArgumentNullException.ThrowIfNull(host);
            using var signIn = await host.Client.PostAsJsonAsync("/dev/tokens", new { subject = "anyone", roles = AllPowerful, districts = EmbeddedHostLife.Districts, channel = "ServiceWindow" });
            DevelopmentSignIn = signIn.StatusCode;
            DescribesDevelopmentSignIn = (await host.Client.GetStringAsync(new Uri("/openapi/v1.json", UriKind.Relative))).Contains("/dev/tokens", StringComparison.Ordinal);
            Password = (await File.ReadAllTextAsync(host.DataDirectory + ".password")).Trim();
            StartOutput = host.Output;
        }
    }
}
