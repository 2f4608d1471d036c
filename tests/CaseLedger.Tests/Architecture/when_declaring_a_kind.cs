using CaseLedger.Core;
using CaseLedger.Rules;

namespace CaseLedger.Tests.Architecture;

public sealed class when_declaring_a_kind
{
    private sealed record Counter(Guid Id, int Count) : ICaseState
    {
        public RuleRef Rule => new("counter", "1");
    }

    private sealed record Counted(int By);

    private static Counter? Fold(Counter? state, object e) => e is Counted c ? (state ?? new Counter(Guid.Empty, 0)) with { Count = (state?.Count ?? 0) + c.By } : state;

    private static Counter? OtherFold(Counter? state, object e) => state;

    private sealed class ServingItsState : CaseKind<Counter>
    {
        public ServingItsState() : base("counter", "counters", "counter", Fold) => View<Counter>(Fold);
    }

    private sealed class ServingItsStateFoldedOtherwise : CaseKind<Counter>
    {
        public ServingItsStateFoldedOtherwise() : base("counter", "counters", "counter", Fold) => View<Counter>(OtherFold);
    }

    [Fact]
    public void a_kind_may_serve_its_state_as_its_main_read_model()
    {
        var kind = new ServingItsState();

        kind.MainView.Type.ShouldBe(kind.StateType);
        kind.View([new Counted(2), new Counted(3)]).ShouldBe(new Counter(Guid.Empty, 5));
    }

    [Fact]
    public void a_read_model_of_the_state_type_folded_by_another_function_is_refused() =>
        Should.Throw<InvalidOperationException>(() => new ServingItsStateFoldedOtherwise()).Message.ShouldContain("the state's own evolve function");
}
