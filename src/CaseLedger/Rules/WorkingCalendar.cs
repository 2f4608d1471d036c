namespace CaseLedger.Rules;

/// <summary>
/// One version of a city's working calendar, kept in the rule book as the rule <c>calendar.{city}</c>
/// (a file per city under <c>Rules/calendars/</c>, a version per year): the working days of the week,
/// the working hours of a working day, the public holidays, and the weekend days worked instead
/// (China moves working days around its holidays). Data, not code: a new year's holidays are a new
/// version of the file.
/// </summary>
public sealed record CalendarRules : RuleParameters
{
    public required IReadOnlyList<DayOfWeek> WorkingDays { get; init; }

    /// <summary>The working hours of a working day, in the rule book's civil time, earliest first, not overlapping.</summary>
    public required IReadOnlyList<WorkingHours> Hours { get; init; }

    public IReadOnlyList<DateOnly> Holidays { get; init; } = [];

    /// <summary>Days of the weekend that are worked (make-up working days).</summary>
    public IReadOnlyList<DateOnly> WorkedWeekendDays { get; init; } = [];

    public bool IsWorkingDay(DateOnly date) =>
        WorkedWeekendDays.Contains(date) || (WorkingDays.Contains(date.DayOfWeek) && !Holidays.Contains(date));
}

/// <summary>A stretch of working hours within a day.</summary>
public sealed record WorkingHours(TimeOnly From, TimeOnly To);

/// <summary>
/// Working time on a city's calendar: when a span of working time starting at some moment ends, and
/// how much working time lies between two moments. A deadline in working time is set and paused with
/// these; the calendar version in force on each day decides that day.
/// </summary>
public sealed class WorkingCalendar
{
    /// <summary>The longest span looked through for working time (a guard against a calendar with no working day).</summary>
    private const int MaxDays = 3_660;

    private readonly Func<DateOnly, CalendarRules> _on;
    private readonly TimeSpan _offset;

    public WorkingCalendar(string city, Func<DateOnly, CalendarRules> on, TimeSpan offset)
    {
        City = city;
        _on = on ?? throw new ArgumentNullException(nameof(on));
        _offset = offset;
    }

    public string City { get; }

    /// <summary>The rule id a city's calendar is kept under in the rule book.</summary>
    public static string RuleIdFor(string city) => $"calendar.{city}";

    /// <summary>The moment <paramref name="span"/> of working time after <paramref name="start"/> has gone by.</summary>
    public DateTimeOffset Add(DateTimeOffset start, TimeSpan span)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(span, TimeSpan.Zero);
        var local = start.ToOffset(_offset);
        var left = span;
        var day = DateOnly.FromDateTime(local.DateTime);
        for (var i = 0; i < MaxDays; i++, day = day.AddDays(1))
        {
            foreach (var (from, to) in WorkingStretches(day))
            {
                var begin = from > local ? from : local;
                if (begin >= to)
                {
                    continue;
                }

                if (left <= to - begin)
                {
                    return begin + left;
                }

                left -= to - begin;
            }
        }

        throw new InvalidOperationException($"The calendar of {City} has no working time within {MaxDays} days of {start:u}.");
    }

    /// <summary>The working time between two moments (zero when <paramref name="to"/> is not after <paramref name="from"/>).</summary>
    public TimeSpan Between(DateTimeOffset from, DateTimeOffset to)
    {
        var total = TimeSpan.Zero;
        if (to <= from)
        {
            return total;
        }

        var start = from.ToOffset(_offset);
        var end = to.ToOffset(_offset);
        for (var day = DateOnly.FromDateTime(start.DateTime); day <= DateOnly.FromDateTime(end.DateTime); day = day.AddDays(1))
        {
            foreach (var (begin, finish) in WorkingStretches(day))
            {
                var a = begin > start ? begin : start;
                var b = finish < end ? finish : end;
                if (b > a)
                {
                    total += b - a;
                }
            }
        }

        return total;
    }

    private IEnumerable<(DateTimeOffset From, DateTimeOffset To)> WorkingStretches(DateOnly day)
    {
        var calendar = _on(day);
        if (!calendar.IsWorkingDay(day))
        {
            yield break;
        }

        foreach (var hours in calendar.Hours)
        {
            yield return (new DateTimeOffset(day.ToDateTime(hours.From), _offset), new DateTimeOffset(day.ToDateTime(hours.To), _offset));
        }
    }
}
