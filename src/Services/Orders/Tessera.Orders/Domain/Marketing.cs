using System.Text.Json;
using Tessera.ServiceDefaults.Json;

namespace Tessera.Orders.Domain;

public sealed record MarketingDiscount(string Code, decimal Amount);

/// <summary>Coupon and promotion codes of an order, and the order-level discounts they gave.</summary>
public sealed record OrderMarketing(IReadOnlyList<string> CouponCodes, IReadOnlyList<string> PromotionCodes, IReadOnlyList<MarketingDiscount> Discounts)
{
    public static readonly OrderMarketing Empty = new([], [], []);

    public decimal DiscountAmount => Discounts.Sum(d => d.Amount);

    public string ToJson() => JsonSerializer.Serialize(this, TesseraJson.Options);

    public static OrderMarketing Parse(string json) => JsonSerializer.Deserialize<OrderMarketing>(json, TesseraJson.Options) ?? Empty;
}
