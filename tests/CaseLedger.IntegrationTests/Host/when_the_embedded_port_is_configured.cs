using CaseLedger.Host;
using Microsoft.Extensions.Configuration;

namespace CaseLedger.IntegrationTests.Host;

// CaseLedger:LocalPostgres:Port: a port number, or nothing (a free port); anything else stops the start
// with the setting named, never a silent default. (A host started on a chosen port: what_the_host_logs.)
public sealed class when_the_embedded_port_is_configured
{
    private static int? Port(string? value) =>
        DatabaseChoice.EmbeddedPort(new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?> { ["CaseLedger:LocalPostgres:Port"] = value }).Build());

    [Theory]
    [InlineData(null, null)]
    [InlineData("", null)]
    [InlineData("5433", 5433)]
    [InlineData("65535", 65535)]
    public void a_port_number_or_nothing_is_taken(string? value, int? port) => Port(value).ShouldBe(port);

    [Theory]
    [InlineData("0")]
    [InlineData("65536")]
    [InlineData("-1")]
    [InlineData("54 32")]
    [InlineData("postgres")]
    public void anything_else_is_refused_naming_the_setting(string value) =>
        Should.Throw<InvalidOperationException>(() => Port(value)).Message.ShouldContain("CaseLedger:LocalPostgres:Port");
}
