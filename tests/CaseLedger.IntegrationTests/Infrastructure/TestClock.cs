namespace CaseLedger.IntegrationTests.Infrastructure;

/// <summary>A clock the tests move by hand, so windows open and close when a test says so.</summary>
public sealed class TestClock(DateTimeOffset start) : TimeProvider
{
    private DateTimeOffset _now = start;

    public override DateTimeOffset GetUtcNow() => _now;

    public void Set(DateTimeOffset now) => _now = now;

    public void Advance(TimeSpan by) => _now += by;
}
