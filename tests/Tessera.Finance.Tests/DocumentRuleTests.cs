using Tessera.Finance.Domain;

namespace Tessera.Finance.Tests;

/// <summary>Invoicing from the order's own arithmetic, the three-way match, and the hash chain — domain rules without I/O.</summary>
public sealed class DocumentRuleTests
{
    private static OrderPrices Order(decimal shipping, params (string Sku, decimal Quantity, decimal Price, decimal Discount, decimal Allocated, decimal Rate)[] lines)
    {
        var order = new OrderPrices { OrderId = Guid.NewGuid(), Number = 7, Currency = "VND", ShippingFee = shipping };
        var n = 0;
        foreach (var (sku, quantity, price, discount, allocated, rate) in lines)
        {
            var taxable = quantity * price - discount - allocated;
            var tax = Math.Round(taxable * rate, 0, MidpointRounding.AwayFromZero);
            order.Lines.Add(new OrderPriceLine
            {
                LineNo = ++n, Sku = sku, Quantity = quantity, UnitPrice = price, Discount = discount, AllocatedDiscount = allocated, TaxRate = rate,
                TaxAmount = tax, LineTotal = taxable + tax,
            });
        }
        return order;
    }

    [Fact]
    public void An_order_invoiced_over_three_deliveries_adds_up_to_its_own_totals_to_the_last_dong()
    {
        // 3 × 33,333 = 99,999 less a 1,000 line discount and a 999 share of the order's coupon = 98,000 at 8 %: tax 7,840.
        // A third of it is 32,666.67 → 32,667 net and 2,613.33 → 2,613 tax; the last unit takes 32,666 and 2,614.
        var order = Order(30000m, ("RICE", 3m, 33333m, 1000m, 999m, 0.08m), ("SOAP", 2m, 15000m, 0m, 0m, 0.05m));

        var first = Invoicing.ForDelivery(order, [("RICE", 1m)]);
        var second = Invoicing.ForDelivery(order, [("RICE", 1m), ("SOAP", 2m)]);
        var third = Invoicing.ForDelivery(order, [("RICE", 1m)]);

        first.Select(l => (l.Kind, l.Quantity, l.Net, l.Tax)).ShouldBe([("goods", 1m, 32667m, 2613m), ("shipping", 1m, 30000m, 0m)]);
        second.Select(l => (l.Kind, l.Sku, l.Net, l.Tax)).ShouldBe([("goods", "RICE", 32667m, 2613m), ("goods", "SOAP", 30000m, 1500m)]);
        third.Select(l => (l.Net, l.Tax)).ShouldBe([(32666m, 2614m)]);
        var all = first.Concat(second).Concat(third).ToList();
        (all.Sum(l => l.Net + l.Tax)).ShouldBe(order.Lines.Sum(l => l.LineTotal) + order.ShippingFee);
        Should.Throw<InvalidOperationException>(() => Invoicing.ForDelivery(order, [("RICE", 1m)])).Message
            .ShouldBe("Order 7 was delivered 1 more of RICE than it has left to invoice; its lines were ordered otherwise.");
    }

    [Fact]
    public void A_return_is_credited_at_what_it_was_invoiced_at_the_last_unit_taking_what_is_left()
    {
        var order = Order(0m, ("TEA", 3m, 10001m, 0m, 0m, 0.1m));
        var lines = Invoicing.ForDelivery(order, [("TEA", 3m)]);
        var invoice = new Invoice { Id = Guid.NewGuid(), Currency = "VND", Sequence = 1 };
        invoice.Lines.AddRange(lines.Select((l, i) => new InvoiceLine
        {
            LineNo = i + 1, Kind = l.Kind, Sku = l.Sku, Quantity = l.Quantity, UnitPrice = l.UnitPrice, Net = l.Net, TaxRate = l.TaxRate, Tax = l.Tax,
        }));

        var one = Invoicing.ForReturn([invoice], "TEA", 1m);
        var two = Invoicing.ForReturn([invoice], "TEA", 2m);

        one.ShouldHaveSingleItem().Line.ShouldSatisfyAllConditions(l => l.Net.ShouldBe(10001m), l => l.Tax.ShouldBe(1000m));
        two.ShouldHaveSingleItem().Line.ShouldSatisfyAllConditions(l => l.Net.ShouldBe(20002m), l => l.Tax.ShouldBe(2000m));
        (one[0].Line.Tax + two[0].Line.Tax).ShouldBe(invoice.Lines[0].Tax);
    }

    [Fact]
    public void The_three_way_match_holds_a_bill_that_bills_more_than_received_or_strays_from_the_PO_price()
    {
        var order = new PurchaseOrderRecord { Number = "PO-000009" };
        order.Lines.Add(new PurchaseOrderLineRecord { LineNo = 1, Sku = "TEA", Quantity = 10, UnitPrice = 100, ReceivedQuantity = 6, BilledQuantity = 2 });

        ThreeWayMatch.Check(order, [new BillLineInput(1, 4, 101, 0.1m)], 2m).ShouldBeEmpty();
        ThreeWayMatch.Check(order, [new BillLineInput(1, 5, 100, 0.1m)], 2m).ShouldBe(
            ["Line 1 (TEA): billed 5, but 6 received and 2 already billed leave 4 to bill."]);
        ThreeWayMatch.Check(order, [new BillLineInput(1, 4, 103, 0.1m)], 2m).ShouldBe(
            ["Line 1 (TEA): unit price 103 is +3 % from the PO price 100 (billed 412 against 400 for 4; tolerance 2 %)."]);
        ThreeWayMatch.Check(order, [new BillLineInput(2, 1, 100, 0m)], 2m).ShouldBe(["Line 2: purchase order PO-000009 has no line 2."]);
        ThreeWayMatch.Check(null, [new BillLineInput(1, 1, 100, 0m)], 2m).ShouldHaveSingleItem().ShouldStartWith("The purchase order is not known to finance yet");
    }

    [Fact]
    public void An_entry_that_does_not_balance_is_refused_naming_the_difference()
    {
        JournalRules.Check([new DraftLine("112", 100m, 0), new DraftLine("511", 0, 90m)])
            .ShouldBe(["The entry does not balance: debits 100 ≠ credits 90 (difference 10)."]);
        JournalRules.Check([new DraftLine("112", 0.00001m, 0), new DraftLine("511", 0, 0.00001m)]).ShouldContain("lines[0]: amounts have at most 4 decimals.");
        JournalRules.Check([new DraftLine("112", 100m, 0)]).ShouldContain("An entry has at least two lines.");
    }

    [Fact]
    public void Changing_anything_in_an_entry_changes_its_hash_and_every_hash_after_it()
    {
        (int, string, decimal, decimal, string?, string?, string?)[] lines = [(1, "112", 100m, 0m, null, null, null), (2, "511", 0m, 100m, null, null, null)];
        string Hash(string previous, decimal amount, string description) => HashChain.Next(previous, HashChain.Canonical(1, new DateOnly(2026, 11, 1), null,
            "manual", description, null, null, null, null, null, new DateTimeOffset(2026, 11, 1, 0, 0, 0, TimeSpan.Zero), "an",
            lines.Select(l => l with { Item3 = l.Item3 == 0 ? 0 : amount, Item4 = l.Item4 == 0 ? 0 : amount })));

        var original = Hash(HashChain.Genesis, 100m, "Cash sale");

        Hash(HashChain.Genesis, 100m, "Cash sale").ShouldBe(original);
        Hash(HashChain.Genesis, 100.0m, "Cash sale").ShouldBe(original);
        Hash(HashChain.Genesis, 101m, "Cash sale").ShouldNotBe(original);
        Hash(HashChain.Genesis, 100m, "Cash sale.").ShouldNotBe(original);
        HashChain.Next(Hash(HashChain.Genesis, 101m, "Cash sale"), "next").ShouldNotBe(HashChain.Next(original, "next"));
        original.Length.ShouldBe(64);
    }
}
