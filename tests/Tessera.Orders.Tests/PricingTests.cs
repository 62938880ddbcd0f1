using Tessera.Orders.Domain;

namespace Tessera.Orders.Tests;

public sealed class PricingTests
{
    [Fact]
    public void Lines_are_priced_with_discounts_tax_and_a_shipping_fee()
    {
        var (order, errors) = Pricing.Price(
            [new LineToPrice(3, 120_000, 10_000, 0.1m), new LineToPrice(1, 50_000, 0, 0.08m)], orderDiscount: 0, shippingFee: 30_000, "VND");

        errors.ShouldBeEmpty();
        order!.Lines[0].ShouldBe(new PricedLine(360_000, 10_000, 0, 35_000, 385_000));
        order.Lines[1].ShouldBe(new PricedLine(50_000, 0, 0, 4_000, 54_000));
        order.Totals.ShouldBe(new OrderTotals(410_000, 10_000, 39_000, 30_000, 469_000));
    }

    [Fact]
    public void Order_discounts_are_spread_over_the_lines_by_net_amount_and_add_up_exactly()
    {
        var (order, _) = Pricing.Price(
            [new LineToPrice(1, 100, 0, 0.1m), new LineToPrice(1, 100, 0, 0.1m), new LineToPrice(1, 100, 0, 0.1m)], orderDiscount: 100, shippingFee: 0, "VND");

        order!.Lines.Select(l => l.AllocatedDiscount).ShouldBe([34m, 33m, 33m]);
        order.Lines.Sum(l => l.AllocatedDiscount).ShouldBe(100m);
        order.Totals.GrandTotal.ShouldBe(order.Lines.Sum(l => l.LineTotal));
        // taxable 66, 67, 67 → tax 6.6, 6.7, 6.7, each rounded to a whole đồng
        order.Totals.ShouldBe(new OrderTotals(300, 100, 21, 0, 221));
    }

    [Fact]
    public void Amounts_round_half_away_from_zero_to_the_currency_minor_unit()
    {
        var (vnd, _) = Pricing.Price([new LineToPrice(1, 1_005, 0, 0.05m)], 0, 0, "VND");
        var (usd, _) = Pricing.Price([new LineToPrice(3, 0.335m, 0, 0.075m)], 0, 0, "USD");

        vnd!.Lines[0].TaxAmount.ShouldBe(50m); // 50.25
        usd!.Lines[0].Gross.ShouldBe(1.01m); // 1.005
        usd.Lines[0].TaxAmount.ShouldBe(0.08m); // 0.07575
    }

    [Fact]
    public void A_discount_larger_than_its_line_or_the_order_is_named()
    {
        var (_, lineErrors) = Pricing.Price([new LineToPrice(1, 100, 150, 0)], 0, 0, "VND");
        var (_, orderErrors) = Pricing.Price([new LineToPrice(1, 100, 0, 0)], 500, 0, "VND");

        lineErrors.ShouldHaveSingleItem().Field.ShouldBe("lines[0].discount");
        orderErrors.ShouldHaveSingleItem().Field.ShouldBe("marketing.discounts");
    }

    [Fact]
    public void Allocation_in_cents_never_loses_or_makes_a_cent()
    {
        var weights = new[] { 33.33m, 33.33m, 33.34m, 0.01m };

        var shares = Pricing.Allocate(10.01m, weights, "USD");

        shares.Sum().ShouldBe(10.01m);
        shares.ShouldAllBe(s => s == decimal.Round(s, 2));
    }
}
