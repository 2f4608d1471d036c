using System.Text.Json;
using System.Text.Json.Serialization;
using CaseLedger.Core;

namespace CaseLedger.Scenarios;

/// <summary>A seed file: cases of one district, each a list of dated commands (docs/seeds.md).</summary>
public sealed record SeedFile(string District, IReadOnlyList<SeedCase> Cases);

/// <summary>One case of a seed file: its kind, its id and the commands that made it, in order.</summary>
public sealed record SeedCase(string Kind, Guid Id, IReadOnlyList<SeedStep> Steps);

/// <summary>
/// One dated command: its declared name, when it was decided, who acted through which channel (and
/// for whom), and its body, exactly as a client would post it.
/// </summary>
public sealed record SeedStep(
    string Command,
    DateTimeOffset At,
    [property: JsonPropertyName("as")] SeedActing As,
    JsonElement? Body = null);

/// <summary>Who acted, through which channel, in which role and for whom, as a client's token and request would say.</summary>
public sealed record SeedActing(string Actor, Channel Channel, Role Role, string? OnBehalfOf = null)
{
    /// <summary>The partner institution a partner's clerk acts for.</summary>
    public string? Institution { get; init; }
}

/// <summary>
/// Loads seed files (<c>seeds/{kind route}/*.json</c>) by running every step through the command
/// pipeline at the time it records, so seeded history is exactly what the live system would write.
/// </summary>
public static class Seeds
{
    /// <summary>Runs every seed file of the registered kinds under <paramref name="root"/>; returns the cases created per kind.</summary>
    public static async Task<IReadOnlyDictionary<string, int>> LoadAsync(Func<CommandRequest, CancellationToken, Task<CommandOutcome>> execute,
        CaseKinds kinds, string root, PassTime? passTime = null, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(execute);
        ArgumentNullException.ThrowIfNull(kinds);
        var counts = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach (var kind in kinds.All)
        {
            counts[kind.Name] = 0;
            var folder = Path.Combine(root, kind.Route);
            if (!Directory.Exists(folder))
            {
                continue;
            }

            foreach (var path in Directory.GetFiles(folder, "*.json").Order(StringComparer.Ordinal))
            {
                var file = await ReadAsync(path, ct);
                foreach (var seeded in file.Cases)
                {
                    await LoadCaseAsync(execute, passTime, kinds, file.District, seeded, path, ct);
                    counts[kind.Name]++;
                }
            }
        }

        return counts;
    }

    /// <summary>The districts the seed files of the registered kinds under <paramref name="root"/> write to.</summary>
    public static async Task<IReadOnlyList<string>> DistrictsAsync(CaseKinds kinds, string root, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(kinds);
        var districts = new SortedSet<string>(StringComparer.Ordinal);
        foreach (var folder in kinds.All.Select(k => Path.Combine(root, k.Route)).Where(Directory.Exists))
        {
            foreach (var path in Directory.GetFiles(folder, "*.json"))
            {
                districts.Add((await ReadAsync(path, ct)).District);
            }
        }

        return districts.ToList();
    }

    public static async Task<SeedFile> ReadAsync(string path, CancellationToken ct = default)
    {
        try
        {
            return JsonSerializer.Deserialize<SeedFile>(await File.ReadAllTextAsync(path, ct), CaseJson.Strict)
                ?? throw new InvalidDataException($"{path} is empty.");
        }
        catch (JsonException e)
        {
            throw new InvalidDataException($"{path}: {CaseJson.Describe(e)}", e);
        }
    }

    /// <summary>The commands of one seeded case, each with its request, in order.</summary>
    public static IEnumerable<CommandRequest> Requests(CaseKinds kinds, string district, SeedCase seeded, string source)
    {
        ArgumentNullException.ThrowIfNull(kinds);
        ArgumentNullException.ThrowIfNull(seeded);
        var kind = kinds.Named(seeded.Kind) ?? throw new InvalidDataException($"{source}: case {seeded.Id} is of kind '{seeded.Kind}', which is not registered.");
        for (var i = 0; i < seeded.Steps.Count; i++)
        {
            var step = seeded.Steps[i];
            if (i > 0 && step.At < seeded.Steps[i - 1].At)
            {
                throw new InvalidDataException($"{source}: case {seeded.Id}, step {i + 1} ({step.Command}) is dated {step.At:u}, " +
                    $"before step {i} ({seeded.Steps[i - 1].At:u}): a case's steps are recorded in the order they happened.");
            }

            // A kind's own command, or one of the core's case-wide commands (a hand-over, a complaint), which always take a body.
            var declaration = kind.CommandNamed(step.Command);
            var commandType = declaration?.CommandType ?? Core.Service.CaseWideCommands.Named(step.Command)?.CommandType
                ?? throw new InvalidDataException($"{source}: case {seeded.Id}, step {i + 1}: {kind.Name} has no command '{step.Command}'.");
            object command;
            try
            {
                command = declaration is null || declaration.HasBody
                    ? step.Body?.Deserialize(commandType, CaseJson.Strict)
                        ?? throw new InvalidDataException($"{source}: case {seeded.Id}, step {i + 1} ({step.Command}) needs a body.")
                    : Activator.CreateInstance(commandType)!;
            }
            catch (JsonException e)
            {
                throw new InvalidDataException($"{source}: case {seeded.Id}, step {i + 1} ({step.Command}): {CaseJson.Describe(e)}", e);
            }

            yield return new CommandRequest(district, seeded.Id, command, new Acting(step.As.Actor, step.As.Channel, step.As.Role, step.As.OnBehalfOf)
            {
                Institution = step.As.Institution,
            }) { At = step.At };
        }
    }

    /// <summary>
    /// Lets time pass for one case up to a moment, recording the breaches of its deadlines that fall
    /// due on the way at their due times (<see cref="CasePipeline.PassTimeAsync"/>).
    /// </summary>
    public delegate Task PassTime(string district, Guid caseId, DateTimeOffset until, CancellationToken ct);

    /// <summary>Runs one seeded case's steps into <paramref name="district"/>, time passing between them as it did; a refused step is an error naming the file, the case and the step.</summary>
    public static async Task LoadCaseAsync(Func<CommandRequest, CancellationToken, Task<CommandOutcome>> execute, PassTime? passTime, CaseKinds kinds,
        string district, SeedCase seeded, string source, CancellationToken ct)
    {
        var number = 0;
        foreach (var request in Requests(kinds, district, seeded, source))
        {
            number++;
            // A deadline that fell due between two steps was breached then, as its scheduled check would have recorded it;
            // one due at the very moment of the step is met by it.
            if (passTime is not null && number > 1)
            {
                await passTime(district, seeded.Id, Core.Deadlines.DeadlineBook.JustBefore(request.At!.Value), ct);
            }

            if ((await execute(request, ct)).Rejection is { } refused)
            {
                throw new InvalidDataException($"{source}: case {seeded.Id}, step {number} ({request.Command.GetType().Name}) was refused: {refused.Code}: {refused.Reason}");
            }
        }
    }
}
