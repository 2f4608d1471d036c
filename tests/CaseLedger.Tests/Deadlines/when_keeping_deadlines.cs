using CaseLedger.Core.Deadlines;
using CaseLedger.Hosting;
using CaseLedger.Rules;

namespace CaseLedger.Tests.Deadlines;

// The deadline book on its own: setting, meeting, pausing, resuming and breaching, in calendar time
// and in Shaoyang's working time (08:30-12:00 and 14:30-17:30 on working days of 2025).
public sealed class when_keeping_deadlines
{
    private static readonly RuleBook Rules = StandardKinds.Create().DefaultRules();
    private static readonly Guid Case = Guid.Parse("5f1e9d1c-0000-4000-8000-000000000011");
    private static readonly RuleRef Rule = new("test-rule", "1");

    private static readonly PromisedTime HalfAnHour = new() { Within = TimeSpan.FromMinutes(30), Clause = "test-rule.contact" };

    private static readonly PromisedTime TwoWorkingDays = new()
    {
        Within = TimeSpan.FromHours(13), Measure = TimeMeasure.Working, Calendar = "shaoyang", Clause = "test-rule.reply",
    };

    private static DateTimeOffset At(int month, int day, int hour, int minute = 0) => new(2025, month, day, hour, minute, 0, TimeSpan.FromHours(8));

    private static DeadlineBook Book(params object[] events) => events.Aggregate(DeadlineBook.Empty, (book, e) => book.Apply(e));

    [Fact]
    public void a_deadline_in_calendar_time_falls_due_its_promised_time_after_it_is_set_night_or_day()
    {
        var set = DeadlineBook.Set(Case, "contact", "Contact the user", HalfAnHour, Rule, At(3, 8, 23, 50), Rules);

        set.DueAt.ShouldBe(At(3, 9, 0, 20));
        set.Measure.ShouldBe(TimeMeasure.Calendar);
        set.Rule.ShouldBe(Rule);
        set.Clause.ShouldBe("test-rule.contact");
        Book(set).NextDue.ShouldBe(At(3, 9, 0, 20));
    }

    [Fact]
    public void a_deadline_in_working_time_skips_the_weekend_and_a_holiday()
    {
        // Thursday 3 April 16:30: one working hour that day, Friday 4 April is Qingming, the weekend is
        // off, Monday has six and a half hours, and the last five and a half are Tuesday's.
        var set = DeadlineBook.Set(Case, "reply", "Reply in writing", TwoWorkingDays, Rule, At(4, 3, 16, 30), Rules);

        set.DueAt.ShouldBe(At(4, 8, 16, 30));
    }

    [Fact]
    public void met_before_it_is_due_it_is_met_on_time_and_its_clause_is_met()
    {
        var book = Book(DeadlineBook.Set(Case, "contact", "Contact the user", HalfAnHour, Rule, At(3, 4, 9), Rules));

        var met = book.Meet(Case, "contact", At(3, 4, 9, 30)).ShouldNotBeNull();

        met.OnTime.ShouldBeTrue();
        met.Clauses.Single().Met.ShouldBeTrue();
        book.Apply(met)["contact"]!.Status.ShouldBe(DeadlineStatus.Met);
        book.Apply(met).NextDue.ShouldBeNull();
    }

    [Fact]
    public void a_deadline_past_due_is_breached_once_and_met_late_afterwards()
    {
        var book = Book(DeadlineBook.Set(Case, "contact", "Contact the user", HalfAnHour, Rule, At(3, 4, 9), Rules));

        book.BreachesBy(Case, At(3, 4, 9, 29)).ShouldBeEmpty();
        var breach = book.BreachesBy(Case, At(3, 4, 9, 45)).ShouldHaveSingleItem();
        breach.DueAt.ShouldBe(At(3, 4, 9, 30));
        breach.NoticedAt.ShouldBe(At(3, 4, 9, 45));
        breach.Clauses.Single().Met.ShouldBeFalse();

        var breached = book.Apply(breach);
        breached.BreachesBy(Case, At(3, 4, 12)).ShouldBeEmpty("a breach is recorded once");
        breached.Meet(Case, "contact", At(3, 4, 10)).ShouldNotBeNull().OnTime.ShouldBeFalse();
    }

    [Fact]
    public void a_paused_clock_cannot_be_breached_and_resuming_moves_the_due_time_by_the_paused_span()
    {
        var book = Book(DeadlineBook.Set(Case, "contact", "Contact the user", HalfAnHour, Rule, At(3, 4, 9), Rules));
        var paused = book.Apply(book.Pause(Case, "contact", "The user asked to be called after lunch", At(3, 4, 9, 10)).ShouldNotBeNull());

        paused.BreachesBy(Case, At(3, 4, 14)).ShouldBeEmpty();
        paused.NextDue.ShouldBeNull();
        var resumed = paused.Resume(Case, "contact", At(3, 4, 14), Rules).ShouldNotBeNull();

        resumed.DueAt.ShouldBe(At(3, 4, 14, 20), "twenty minutes were left when the clock stopped");
        paused.Apply(resumed)["contact"]!.Status.ShouldBe(DeadlineStatus.Open);
    }

    [Fact]
    public void resuming_a_working_time_deadline_leaves_the_working_time_that_was_left()
    {
        // Set Monday 3 March 09:00 for 13 working hours: six that Monday, six and a half on Tuesday,
        // so due Wednesday 5 March 09:00. Paused Monday at 11:00 (eleven working hours left), resumed Friday 7 March 16:30: one hour that day, six and
        // a half on Monday, three and a half on Tuesday morning.
        var book = Book(DeadlineBook.Set(Case, "reply", "Reply in writing", TwoWorkingDays, Rule, At(3, 3, 9), Rules));
        book["reply"]!.DueAt.ShouldBe(At(3, 5, 9));
        var paused = book.Apply(book.Pause(Case, "reply", "Waiting for the user's papers", At(3, 3, 11)).ShouldNotBeNull());

        paused.Resume(Case, "reply", At(3, 7, 16, 30), Rules).ShouldNotBeNull().DueAt.ShouldBe(At(3, 11, 12, 0));
    }

    [Fact]
    public void only_a_running_deadline_can_be_met_paused_resumed_or_cancelled()
    {
        var book = Book(DeadlineBook.Set(Case, "contact", "Contact the user", HalfAnHour, Rule, At(3, 4, 9), Rules));
        var cancelled = book.Apply(book.Cancel(Case, "contact", "Re-dispatched to another team", At(3, 4, 9, 5)).ShouldNotBeNull());

        cancelled.Meet(Case, "contact", At(3, 4, 9, 10)).ShouldBeNull();
        cancelled.Pause(Case, "contact", "later", At(3, 4, 9, 10)).ShouldBeNull();
        cancelled.Resume(Case, "contact", At(3, 4, 9, 10), Rules).ShouldBeNull();
        cancelled.BreachesBy(Case, At(3, 5, 9)).ShouldBeEmpty();
        book.Meet(Case, "on-site", At(3, 4, 9, 10)).ShouldBeNull("there is no such deadline");
        book.Resume(Case, "contact", At(3, 4, 9, 10), Rules).ShouldBeNull("it is not paused");
    }

    [Fact]
    public void a_deadline_set_again_replaces_the_earlier_one_of_its_key()
    {
        var book = Book(
            DeadlineBook.Set(Case, "contact", "Contact the user", HalfAnHour, Rule, At(3, 4, 9), Rules),
            DeadlineBook.Set(Case, "contact", "Contact the user", HalfAnHour, Rule, At(3, 4, 10), Rules));

        book.All.ShouldHaveSingleItem().DueAt.ShouldBe(At(3, 4, 10, 30));
    }

    [Fact]
    public void the_promises_kept_count_each_settled_deadline_once_and_leave_out_the_cancelled_and_the_running()
    {
        var contact = DeadlineBook.Set(Case, "contact", "Contact the user", HalfAnHour, Rule, At(3, 4, 9), Rules);
        var onSite = DeadlineBook.Set(Case, "on-site", "Be on site", HalfAnHour, Rule, At(3, 4, 9), Rules);
        var reply = DeadlineBook.Set(Case, "reply", "Reply in writing", TwoWorkingDays, Rule, At(3, 4, 9), Rules);
        var later = DeadlineBook.Set(Case, "later", "Something later", TwoWorkingDays, Rule, At(3, 4, 9), Rules);
        var metOnTime = Book(contact).Meet(Case, "contact", At(3, 4, 9, 10))!;
        var breached = Book(contact, onSite).BreachesBy(Case, At(3, 4, 9, 31)).Single(b => b.Key == "on-site");
        var metLate = Book(onSite, breached).Meet(Case, "on-site", At(3, 4, 10))!;
        var cancelled = Book(reply).Cancel(Case, "reply", "withdrawn", At(3, 4, 9, 5))!;

        var kept = PromisesKept.Of([contact, onSite, reply, later, metOnTime, breached, metLate, cancelled]);

        kept.ShouldBe(new PromisesKept(Settled: 2, OnTime: 1));
        kept.Rate.ShouldBe(0.5m);
        PromisesKept.Of([later]).Rate.ShouldBeNull();
        (kept + new PromisesKept(2, 2)).ShouldBe(new PromisesKept(4, 3));
    }
}
