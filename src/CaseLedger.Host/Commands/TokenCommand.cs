using CaseLedger.Core;
using CaseLedger.Http.Identity;
using JasperFx.CommandLine;

namespace CaseLedger.Host.Commands;

public sealed class TokenInput : NetCoreInput
{
    [Description("A role the token grants (resident, clerk, proxy, auditor, rule-author, administrator, partner); repeat for several")]
    public List<string> RoleFlag { get; set; } = [];

    [Description("A district the token may touch; repeat for several")]
    public List<string> DistrictFlag { get; set; } = [];

    [Description("Who signs in: the token's subject, recorded as the actor of every step taken with it")]
    public string? NameFlag { get; set; }

    [Description("The channel the person signed in through (OnlinePlatform, WeChatMiniProgram, AlipayMiniProgram, ServiceWindow, Proxy); " +
                 "ServiceWindow for staff, OnlinePlatform for residents, Proxy for proxy staff unless given")]
    public string? ChannelFlag { get; set; }

    [Description("The partner institution a partner's clerk acts for (a bank, the housing provident fund, a notary, a court); required with --role partner")]
    public string? InstitutionFlag { get; set; }

    [Description("How many hours the token is valid (default 8)")]
    public int HoursFlag { get; set; } = 8;
}

[Description("Mint a development token with the host's own key (only when no identity provider is configured)", Name = "token")]
public sealed class TokenCommand : JasperFxAsyncCommand<TokenInput>
{
    public override Task<bool> Execute(TokenInput input) => CommandSupport.RunAsync(input, services =>
    {
        var keys = services.GetRequiredService<TokenKeys>();
        if (!keys.IsEmbedded)
        {
            throw new CommandFailure($"Tokens come from the identity provider {keys.Issuer} (CaseLedger:Identity); this host mints none.");
        }

        var subject = CommandSupport.Require(input.NameFlag, "--name (who signs in)");
        var roles = input.RoleFlag.Count == 0
            ? throw new CommandFailure($"--role is required: one or more of {string.Join(", ", Roles.Names)}.")
            : input.RoleFlag.Select(name => Roles.TryParse(name, out var role)
                ? role
                : throw new CommandFailure($"'{name}' is not a role: one of {string.Join(", ", Roles.Names)}.")).ToList();
        var districts = input.DistrictFlag.Count == 0
            ? throw new CommandFailure("--district is required: the districts the token may touch.")
            : input.DistrictFlag.Select(CommandSupport.District).ToList();
        var channel = input.ChannelFlag is null
            ? roles.Contains(Role.Partner) ? Channel.Partner : roles.Contains(Role.Proxy) ? Channel.Proxy : roles.Contains(Role.Resident) ? Channel.OnlinePlatform : Channel.ServiceWindow
            : Channels.TryParse(input.ChannelFlag, out var named) && named != Channel.System
                ? named
                : throw new CommandFailure($"'{input.ChannelFlag}' is not a channel: one of {string.Join(", ", Channels.OfPeople)}.");
        if (input.HoursFlag is < 1 or > 24 * 30)
        {
            throw new CommandFailure("--hours is from 1 to 720.");
        }

        if (!TokenKeys.TryInstitution(roles, input.InstitutionFlag, out var institution))
        {
            throw new CommandFailure("--institution names the partner institution, and is given with --role partner only.");
        }

        var token = keys.Mint(subject, roles, districts, channel, TimeSpan.FromHours(input.HoursFlag), DateTimeOffset.UtcNow,
            institution: institution);
        Console.WriteLine(token);
        Console.Error.WriteLine();
        Console.Error.WriteLine($"A token for {subject} as {string.Join(", ", roles.Select(Roles.NameOf))} in {string.Join(", ", districts)} " +
                                $"{(institution is not null ? $"for {institution} " : "")}through {channel}, valid {input.HoursFlag} h, signed with {keys.KeyFile}. Use it as:");
        Console.Error.WriteLine($"  curl -H \"Authorization: Bearer {token}\" {HostAddress.Default}/districts/{districts[0]}/cases");
        return Task.FromResult(true);
    });
}
