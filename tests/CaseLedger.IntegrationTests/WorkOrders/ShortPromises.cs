using System.Text.Json;
using System.Text.Json.Nodes;
using CaseLedger.Cases.WorkOrders;

namespace CaseLedger.IntegrationTests.WorkOrders;

/// <summary>
/// A rule file for work orders whose metering contact promise is a few seconds, to wait for in real
/// time (a test of the host's restart, the deadline benchmark): the shipped rule file with that one
/// parameter changed, so every other promise stays what CaseLedger ships.
/// </summary>
public static class ShortPromises
{
    /// <summary>Writes the file to the temp folder and returns its path.</summary>
    public static string Write(TimeSpan contact) =>
        Write($"A metering contact promise of {contact.TotalSeconds:0} seconds, to wait for in real time",
            new JsonObject { ["within"] = contact.ToString("c"), ["measure"] = "calendar", ["clause"] = "work-order.metering.contact" });

    /// <summary>
    /// Writes a file whose metering contact is a same-day promise (due at <paramref name="timeOfDay"/>,
    /// civil time, of the day it is set): every order taken before then falls due at that one moment, as a
    /// city's 17:30 does. Returns its path.
    /// </summary>
    public static string WriteSameDay(TimeSpan timeOfDay) =>
        Write($"A same-day metering contact promise, by {timeOfDay.ToString("c")}, to wait for in real time",
            new JsonObject { ["within"] = timeOfDay.ToString("c"), ["measure"] = "sameDay", ["clause"] = "work-order.metering.contact" });

    private static string Write(string title, JsonObject contact)
    {
        var assembly = typeof(WorkOrderKind).Assembly;
        var name = assembly.GetManifestResourceNames().Single(n => n.EndsWith("work-order.rules.json", StringComparison.Ordinal));
        using var shipped = assembly.GetManifestResourceStream(name)!;
        var file = JsonNode.Parse(shipped, documentOptions: new JsonDocumentOptions { CommentHandling = JsonCommentHandling.Skip })!;
        var version = file["rules"]!["work-order"]![0]!;
        version["title"] = title;
        version["parameters"]!["meteringContact"] = contact;
        var path = Path.Combine(Path.GetTempPath(), $"caseledger-short-promises-{Guid.NewGuid():N}.json");
        File.WriteAllText(path, file.ToJsonString());
        return path;
    }
}
