using Tessera.Inventory.Domain;

namespace Tessera.Inventory.Tests;

/// <summary>The costing rules of ADR 0007, without I/O.</summary>
public sealed class MovingAverageTests
{
    private static readonly CostPosition Empty = new(0, 0, 0);

    [Fact]
    public void The_worked_example_receive_10_at_100_and_10_at_130_issue_5_receive_5_at_160()
    {
        var first = MovingAverage.Receive(Empty, 10, 100);
        var second = MovingAverage.Receive(first.After, 10, 130);
        second.After.ShouldBe(new CostPosition(20, 2300, 115));

        var issue = MovingAverage.Issue(second.After, 5);
        (issue.Quantity, issue.UnitCost, issue.Value).ShouldBe((-5m, 115m, -575m));
        issue.After.ShouldBe(new CostPosition(15, 1725, 115));

        var third = MovingAverage.Receive(issue.After, 5, 160);
        third.After.ShouldBe(new CostPosition(20, 2525, 126.25m));
    }

    [Fact]
    public void An_issue_that_empties_the_stock_takes_all_of_its_value_so_nothing_is_left_worth_anything()
    {
        var stock = MovingAverage.Receive(MovingAverage.Receive(Empty, 3, 10).After, 0.0001m, 0.3333m).After;

        var part = MovingAverage.Issue(stock, 1);
        var rest = MovingAverage.Issue(part.After, part.After.OnHand);

        rest.After.ShouldBe(new CostPosition(0, 0, part.After.AverageCost));
        (part.Value + rest.Value).ShouldBe(-stock.Value);
    }

    [Fact]
    public void Thirds_of_a_hundred_round_to_four_decimals_and_still_add_up_to_the_hundred()
    {
        var stock = MovingAverage.Receive(Empty, 3, 33.3333m, exactValue: 100m).After;
        stock.AverageCost.ShouldBe(33.333333m);

        var one = MovingAverage.Issue(stock, 1);
        var two = MovingAverage.Issue(one.After, 1);
        var three = MovingAverage.Issue(two.After, 1);

        one.Value.ShouldBe(-33.3333m);
        one.After.AverageCost.ShouldBe(33.33335m);
        two.Value.ShouldBe(-33.3334m);
        three.Value.ShouldBe(-33.3333m);
        (one.Value + two.Value + three.Value).ShouldBe(-100m);
        three.After.ShouldBe(new CostPosition(0, 0, 33.3333m));
    }

    [Fact]
    public void The_average_is_recomputed_from_value_and_quantity_never_accumulated()
    {
        var position = MovingAverage.Receive(Empty, 7, 1.1111m).After;
        for (var i = 0; i < 50; i++)
        {
            position = MovingAverage.Issue(position, 1).After;
            position = MovingAverage.Receive(position, 1, 1.2345m + i / 10000m).After;
        }
        position.AverageCost.ShouldBe(MovingAverage.Cost(position.Value / position.OnHand));
    }

    [Fact]
    public void Below_zero_goods_leave_at_the_last_average_and_the_receipt_that_fills_the_hole_brings_back_that_value()
    {
        var stock = MovingAverage.Receive(Empty, 2, 50).After;
        var over = MovingAverage.Issue(stock, 5);
        over.Value.ShouldBe(-250m);
        over.After.ShouldBe(new CostPosition(-3, -150, 50));

        var refill = MovingAverage.Receive(over.After, 3, 80);
        refill.Value.ShouldBe(150m);
        refill.After.ShouldBe(new CostPosition(0, 0, 50));

        var again = MovingAverage.Issue(refill.After, 1);
        var partial = MovingAverage.Receive(again.After, 4, 70);
        partial.Value.ShouldBe(50m + 3 * 70m);
        partial.After.ShouldBe(new CostPosition(3, 210, 70));
    }

    [Fact]
    public void A_receipt_at_an_exact_value_keeps_it_to_the_cent()
    {
        var stock = MovingAverage.Receive(Empty, 3, 33.333333m, exactValue: 100m);

        stock.Value.ShouldBe(100m);
        stock.UnitCost.ShouldBe(33.333333m);
    }

    [Fact]
    public void Quantities_that_do_not_move_anything_are_refused()
    {
        Should.Throw<ArgumentOutOfRangeException>(() => MovingAverage.Receive(Empty, 0, 1));
        Should.Throw<ArgumentOutOfRangeException>(() => MovingAverage.Issue(Empty, -1));
        Should.Throw<ArgumentOutOfRangeException>(() => MovingAverage.Receive(Empty, 1, -1));
    }
}
