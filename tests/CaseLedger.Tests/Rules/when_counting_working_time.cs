using CaseLedger.Hosting;
using CaseLedger.Rules;

namespace CaseLedger.Tests.Rules;

// Working time on Shaoyang's 2025 calendar: 08:30-12:00 and 14:30-17:30 on working days, weekends
// and public holidays off, and the weekend days worked instead of them on.
public sealed class when_counting_working_time
{
    private static readonly RuleBook Book = StandardKinds.Create().DefaultRules();
    private static readonly WorkingCalendar Shaoyang = Book.Calendar("shaoyang");

    private static DateTimeOffset At(int month, int day, int hour, int minute = 0) => new(2025, month, day, hour, minute, 0, TimeSpan.FromHours(8));

    [Fact]
    public void time_within_a_morning_is_added_as_it_is()
    {
        Shaoyang.Add(At(3, 4, 9), TimeSpan.FromHours(2)).ShouldBe(At(3, 4, 11));
    }

    [Fact]
    public void the_lunch_break_does_not_count()
    {
        Shaoyang.Add(At(3, 4, 11), TimeSpan.FromHours(2)).ShouldBe(At(3, 4, 15, 30));
        Shaoyang.Between(At(3, 4, 11), At(3, 4, 15, 30)).ShouldBe(TimeSpan.FromHours(2));
    }

    [Fact]
    public void a_friday_afternoon_runs_on_into_monday()
    {
        // Friday 7 March, 16:30: one working hour is left that day, Monday has six and a half, and
        // the last half hour is Tuesday morning's.
        Shaoyang.Add(At(3, 7, 16, 30), TimeSpan.FromHours(8)).ShouldBe(At(3, 11, 9, 0));
    }

    [Fact]
    public void a_start_outside_working_hours_starts_at_the_next_working_moment()
    {
        Shaoyang.Add(At(3, 8, 10), TimeSpan.FromHours(1)).ShouldBe(At(3, 10, 9, 30), "Saturday 8 March is not worked");
        Shaoyang.Add(At(3, 4, 20), TimeSpan.FromMinutes(30)).ShouldBe(At(3, 5, 9, 0));
        Shaoyang.Add(At(3, 4, 7), TimeSpan.Zero).ShouldBe(At(3, 4, 8, 30));
    }

    [Fact]
    public void the_labour_day_holiday_is_skipped_and_the_sunday_worked_before_it_counts()
    {
        // Wednesday 30 April 17:00, three working days of 6.5 hours: the holiday runs 1-5 May.
        Shaoyang.Add(At(4, 30, 17), TimeSpan.FromHours(19.5)).ShouldBe(At(5, 8, 17, 0));
        // Sunday 27 April is worked instead of a day of the holiday.
        new CalendarRulesProbe(Book).IsWorkingDay(new DateOnly(2025, 4, 27)).ShouldBeTrue();
        Shaoyang.Add(At(4, 26, 12), TimeSpan.FromHours(1)).ShouldBe(At(4, 27, 9, 30));
    }

    [Fact]
    public void working_time_between_two_moments_leaves_out_nights_weekends_and_holidays()
    {
        // Friday 09:00-12:00 and 14:30-17:30, then Monday 08:30-09:00.
        Shaoyang.Between(At(3, 7, 9), At(3, 10, 9)).ShouldBe(TimeSpan.FromHours(6.5));
        Shaoyang.Between(At(4, 30, 17), At(5, 6, 9)).ShouldBe(TimeSpan.FromMinutes(30 + 30));
        Shaoyang.Between(At(3, 10, 9), At(3, 7, 9)).ShouldBe(TimeSpan.Zero);
    }

    [Fact]
    public void a_span_and_the_time_between_agree()
    {
        var start = At(9, 26, 15);
        foreach (var hours in new[] { 0.25, 1, 3.5, 6.5, 20, 40 })
        {
            var due = Shaoyang.Add(start, TimeSpan.FromHours(hours));
            Shaoyang.Between(start, due).ShouldBe(TimeSpan.FromHours(hours), $"{hours} h from {start:u}");
        }
    }

    /// <summary>The calendar version in force, to ask about single days.</summary>
    private sealed class CalendarRulesProbe(RuleBook book)
    {
        public bool IsWorkingDay(DateOnly day) =>
            RuleBook.Parameters<CalendarRules>(book.InForce(WorkingCalendar.RuleIdFor("shaoyang"), day)).IsWorkingDay(day);
    }
}
