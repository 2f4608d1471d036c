namespace CaseLedger.Rules;

/// <summary>How a promised time is counted: on the clock, or in a city's working hours.</summary>
public enum TimeMeasure
{
    /// <summary>Every minute counts, nights, weekends and holidays included (a 30-minute call-back).</summary>
    Calendar,
    /// <summary>Only the working hours of the city's working calendar count (<see cref="WorkingCalendar"/>).</summary>
    Working,
    /// <summary>
    /// "Applied today, completed today": due at the time of day <c>within</c> names (civil time, the rule
    /// book's offset) on the day the deadline is set, or on the next day when it is set after that time.
    /// </summary>
    SameDay,
}

/// <summary>
/// A promised time as a rule parameter: how long, counted how, and the clause of the rule it is.
/// Written in a rule document as <c>{ "within": "00:30:00", "measure": "calendar", "clause": "work-order.metering.contact" }</c>,
/// or with <c>"measure": "working", "calendar": "shaoyang"</c> for working time. A kind never writes
/// promised times in code: a new promise is a new rule version.
/// </summary>
public sealed record PromisedTime
{
    /// <summary>How long after the deadline is set it falls due (<c>hh:mm:ss</c>, or <c>d.hh:mm:ss</c>).</summary>
    public required TimeSpan Within { get; init; }

    public TimeMeasure Measure { get; init; } = TimeMeasure.Calendar;

    /// <summary>The city whose working calendar counts working time (<c>calendar.{city}</c> in the rule book).</summary>
    public string? Calendar { get; init; }

    /// <summary>The clause of the rule this promise is, e.g. <c>work-order.metering.on-site</c>.</summary>
    public required string Clause { get; init; }

    /// <summary>Says the promise in words, e.g. "within 30 minutes" or "within 16 working hours".</summary>
    public string Words => Measure == TimeMeasure.SameDay
        ? $"the same day, by {Within:hh\\:mm}"
        : $"within {Span(Within)}{(Measure == TimeMeasure.Working ? " of working time" : "")}";

    internal static string Span(TimeSpan span) => span switch
    {
        { TotalMinutes: < 120 } when span.TotalMinutes % 1 == 0 => $"{span.TotalMinutes:0} minutes",
        { TotalHours: < 72 } when span.TotalHours % 1 == 0 => $"{span.TotalHours:0} hours",
        _ when span.TotalDays % 1 == 0 => $"{span.TotalDays:0} days",
        _ => span.ToString("c", System.Globalization.CultureInfo.InvariantCulture),
    };
}
