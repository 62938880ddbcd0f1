using Tessera.Inventory.Domain;

namespace Tessera.Inventory.Tests;

public sealed class AllocationPlannerTests
{
    [Fact]
    public void One_warehouse_that_serves_the_whole_order_is_preferred_over_splitting()
    {
        var plan = AllocationPlanner.Plan(
            [new Demand("A", 5), new Demand("B", 2)],
            [new Availability("A", "W1", 9), new Availability("B", "W1", 1), new Availability("A", "W2", 5), new Availability("B", "W2", 2)]);

        plan.IsComplete.ShouldBeTrue();
        plan.Allocations.ShouldBe([new Allocation("A", "W2", 5), new Allocation("B", "W2", 2)]);
    }

    [Fact]
    public void The_preferred_warehouse_wins_among_those_that_can_serve_everything()
    {
        var plan = AllocationPlanner.Plan([new Demand("A", 1)], [new Availability("A", "W1", 5), new Availability("A", "W2", 5)], preferredWarehouse: "W2");

        plan.Allocations.ShouldBe([new Allocation("A", "W2", 1)]);
    }

    [Fact]
    public void A_line_no_single_warehouse_holds_is_split_taking_the_largest_first()
    {
        var plan = AllocationPlanner.Plan([new Demand("A", 7)], [new Availability("A", "W1", 3), new Availability("A", "W2", 5), new Availability("A", "W3", 0)]);

        plan.Allocations.ShouldBe([new Allocation("A", "W2", 5), new Allocation("A", "W1", 2)]);
    }

    [Fact]
    public void Lines_of_the_same_sku_are_added_up_before_checking()
    {
        var plan = AllocationPlanner.Plan([new Demand("A", 2), new Demand("A", 2)], [new Availability("A", "W1", 3)]);

        plan.IsComplete.ShouldBeFalse();
        plan.Shortages.ShouldBe([new Shortage("A", 4, 3)]);
    }

    [Fact]
    public void Every_short_line_is_named_and_nothing_is_allocated()
    {
        var plan = AllocationPlanner.Plan(
            [new Demand("A", 1), new Demand("B", 5), new Demand("C", 1)],
            [new Availability("A", "W1", 10), new Availability("B", "W1", 2), new Availability("B", "W2", -1)]);

        plan.Allocations.ShouldBeEmpty();
        plan.Shortages.ShouldBe([new Shortage("B", 5, 2), new Shortage("C", 1, 0)]);
    }
}
