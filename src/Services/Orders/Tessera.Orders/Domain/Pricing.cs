using Tessera.ServiceDefaults.Api;

namespace Tessera.Orders.Domain;

public sealed record LineToPrice(decimal Quantity, decimal UnitPrice, decimal Discount, decimal TaxRate);

public sealed record PricedLine(decimal Gross, decimal Discount, decimal AllocatedDiscount, decimal TaxAmount, decimal LineTotal);

public sealed record OrderTotals(decimal Subtotal, decimal DiscountTotal, decimal TaxTotal, decimal ShippingFee, decimal GrandTotal);

public sealed record PricingError(string Field, string Message);

public sealed record PricedOrder(IReadOnlyList<PricedLine> Lines, OrderTotals Totals);

/// <summary>
/// The server's arithmetic of an order, in the order's currency (amounts rounded half away from zero to its minor
/// units). Per line: gross = quantity × unit price; net = gross − line discount. The order's own discounts (coupons,
/// promotions) are spread over the lines in proportion to their net by the largest-remainder method, so they lower the
/// tax base and add up to the cent. tax = (net − allocated) × rate; line total = net − allocated + tax.
/// Order: subtotal = Σ gross; discounts = Σ line discounts + order discounts; grand total = subtotal − discounts + tax
/// + shipping fee (shipping is not taxed here).
/// </summary>
public static class Pricing
{
    public static (PricedOrder? Order, IReadOnlyList<PricingError> Errors) Price(
        IReadOnlyList<LineToPrice> lines, decimal orderDiscount, decimal shippingFee, string currency)
    {
        var errors = new List<PricingError>();
        var gross = lines.Select(l => Currencies.Round(l.Quantity * l.UnitPrice, currency)).ToArray();
        var net = new decimal[lines.Count];
        for (var i = 0; i < lines.Count; i++)
        {
            net[i] = gross[i] - lines[i].Discount;
            if (net[i] < 0)
                errors.Add(new PricingError($"lines[{i}].discount", $"The discount ({lines[i].Discount}) is larger than the line's amount ({gross[i]})."));
        }
        var totalNet = net.Sum();
        if (orderDiscount > totalNet && errors.Count == 0)
            errors.Add(new PricingError("marketing.discounts", $"The order's discounts ({orderDiscount}) are larger than its lines' amount after line discounts ({totalNet})."));
        if (errors.Count > 0)
            return (null, errors);

        var allocated = Allocate(orderDiscount, net, currency);
        var priced = new List<PricedLine>(lines.Count);
        for (var i = 0; i < lines.Count; i++)
        {
            var taxable = net[i] - allocated[i];
            var tax = Currencies.Round(taxable * lines[i].TaxRate, currency);
            priced.Add(new PricedLine(gross[i], lines[i].Discount, allocated[i], tax, taxable + tax));
        }

        var subtotal = gross.Sum();
        var discountTotal = lines.Sum(l => l.Discount) + orderDiscount;
        var taxTotal = priced.Sum(l => l.TaxAmount);
        return (new PricedOrder(priced, new OrderTotals(subtotal, discountTotal, taxTotal, shippingFee, subtotal - discountTotal + taxTotal + shippingFee)), []);
    }

    /// <summary>Shares of <paramref name="amount"/> in proportion to <paramref name="weights"/>, in whole minor units, summing exactly to it.</summary>
    public static decimal[] Allocate(decimal amount, IReadOnlyList<decimal> weights, string currency)
    {
        var shares = new decimal[weights.Count];
        var total = weights.Sum();
        if (amount == 0 || total <= 0)
            return shares;

        var unit = 1m / (decimal)Math.Pow(10, Currencies.MinorUnits(currency));
        var exact = weights.Select(w => amount * w / total).ToArray();
        for (var i = 0; i < shares.Length; i++)
            shares[i] = Math.Floor(exact[i] / unit) * unit;
        var left = (int)Math.Round((amount - shares.Sum()) / unit);
        foreach (var i in Enumerable.Range(0, shares.Length).OrderByDescending(i => exact[i] - shares[i]).ThenBy(i => i).Take(left))
            shares[i] += unit;
        return shares;
    }
}
