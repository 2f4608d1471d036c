using System.Security.Cryptography;
using CaseLedger.Host;
using CaseLedger.Http.Identity;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.FileProviders;
using Microsoft.Extensions.Hosting;

namespace CaseLedger.IntegrationTests.Host;

// POST /dev/tokens lets anyone sign in as anyone, so it exists only while the host signs its own tokens, and
// then in the Development environment (./build.sh run) or where a setting switches it on by name.
public sealed class when_the_development_sign_in_is_offered
{
    [Theory]
    [InlineData("Development", null, true)]
    [InlineData("Development", "false", false)]
    [InlineData("Production", null, false)]
    [InlineData("Staging", null, false)]
    [InlineData("Production", "true", true)]
    [InlineData("Production", "false", false)]
    public void it_follows_the_environment_unless_the_setting_says_otherwise(string environment, string? setting, bool offered)
    {
        var settings = Settings(setting);

        HostIdentity.OffersDevelopmentSignIn(settings, new Environment(environment), TokenKeys.InMemory()).ShouldBe(offered);
    }

    [Theory]
    [InlineData("Development", null)]
    [InlineData("Development", "true")]
    [InlineData("Production", "true")]
    public void it_is_never_offered_when_an_identity_provider_issues_the_tokens(string environment, string? setting)
    {
        using var providersKey = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var provider = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["CaseLedger:Identity:Issuer"] = "https://id.example.gov.cn",
            ["CaseLedger:Identity:SigningKeys:0"] = providersKey.ExportSubjectPublicKeyInfoPem(),
        }).Build();

        HostIdentity.OffersDevelopmentSignIn(Settings(setting), new Environment(environment), TokenKeys.From(provider, "/nonexistent"))
            .ShouldBeFalse();
    }

    private static IConfiguration Settings(string? developmentSignIn) =>
        new ConfigurationBuilder().AddInMemoryCollection(developmentSignIn is null
            ? []
            : new Dictionary<string, string?> { ["CaseLedger:Identity:DevelopmentSignIn"] = developmentSignIn }).Build();

    private sealed class Environment(string name) : IHostEnvironment
    {
        public string EnvironmentName { get; set; } = name;

        public string ApplicationName { get; set; } = "CaseLedger.Host";

        public string ContentRootPath { get; set; } = "/";

        public IFileProvider ContentRootFileProvider { get; set; } = new NullFileProvider();
    }
}
