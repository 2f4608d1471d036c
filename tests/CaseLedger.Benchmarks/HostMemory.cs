using System.Diagnostics;
using System.Diagnostics.Tracing;
using Microsoft.Diagnostics.NETCore.Client;
using Microsoft.Diagnostics.Tracing;
using Microsoft.Diagnostics.Tracing.Parsers;

namespace CaseLedger.Benchmarks;

/// <summary>What a process holds: its working set (resident memory) and its managed (GC) heap, in bytes.</summary>
internal sealed record MemoryReading(long WorkingSet, long GcHeap)
{
    public static string Megabytes(long bytes) => $"{bytes / 1024d / 1024d:0.0}";
}

/// <summary>
/// Reads another .NET process's memory from outside, over its diagnostics port (EventPipe), as
/// dotnet-counters and dotnet-gcdump do: the working set from the operating system, the GC heap from
/// the runtime's own counter, and, on request, a full blocking collection first (the runtime collects
/// when a session asks for the GC heap-collect keyword) with the heap's size right after it.
/// </summary>
internal static class HostMemory
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(15);

    /// <summary>The working set now and the GC heap as the runtime last counted it, without collecting.</summary>
    public static async Task<MemoryReading> ReadAsync(int processId)
    {
        var client = new DiagnosticsClient(processId);
        var providers = new[]
        {
            new EventPipeProvider("System.Runtime", EventLevel.Informational, 0, new Dictionary<string, string> { ["EventCounterIntervalSec"] = "1" }),
        };
        using var session = client.StartEventPipeSession(providers, requestRundown: false);
        var source = new EventPipeEventSource(session.EventStream);
        long? heap = null;
        source.Dynamic.All += e =>
        {
            if (heap is null && e.EventName == "EventCounters" && e.PayloadValue(0) is IDictionary<string, object> counter
                && counter["Payload"] is IDictionary<string, object> payload && payload["Name"] as string == "gc-heap-size")
            {
                // The counter is in megabytes.
                heap = (long)(Convert.ToDouble(payload["Mean"], System.Globalization.CultureInfo.InvariantCulture) * 1024 * 1024);
                _ = Task.Run(session.Stop);
            }
        };
        await ProcessAsync(source, session);
        return new MemoryReading(WorkingSet(processId), heap ?? throw new InvalidOperationException("The host reported no gc-heap-size."));
    }

    /// <summary>Makes the process run a full blocking collection, then reads its working set and its GC heap after it.</summary>
    public static async Task<MemoryReading> CollectAndReadAsync(int processId)
    {
        var client = new DiagnosticsClient(processId);
        var providers = new[]
        {
            new EventPipeProvider("Microsoft-Windows-DotNETRuntime", EventLevel.Informational,
                (long)(ClrTraceEventParser.Keywords.GC | ClrTraceEventParser.Keywords.GCHeapCollect)),
        };
        using var session = client.StartEventPipeSession(providers, requestRundown: false);
        var source = new EventPipeEventSource(session.EventStream);
        long? heap = null;
        source.Clr.GCHeapStats += e =>
        {
            if (heap is null)
            {
                heap = e.TotalHeapSize;
                _ = Task.Run(session.Stop);
            }
        };
        await ProcessAsync(source, session);
        // The collection returns memory to the system shortly after; give it a moment before reading the working set.
        await Task.Delay(TimeSpan.FromSeconds(1));
        return new MemoryReading(WorkingSet(processId), heap ?? throw new InvalidOperationException("The host ran no collection."));
    }

    private static async Task ProcessAsync(EventPipeEventSource source, EventPipeSession session)
    {
        var processing = Task.Run(source.Process);
        if (await Task.WhenAny(processing, Task.Delay(Patience)) != processing)
        {
            session.Stop();
        }

        await processing;
        source.Dispose();
    }

    private static long WorkingSet(int processId)
    {
        using var process = Process.GetProcessById(processId);
        process.Refresh();
        return process.WorkingSet64;
    }
}
