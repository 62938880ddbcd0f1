using FluentValidation;
using Tessera.Orders.Contracts;

namespace Tessera.Orders.Features;

public sealed record CustomerInput(string Name, string? Phone, string? Email, string? Reference = null);

/// <summary>An address: the street (line1) may be left out, but then the city or the province must be given.</summary>
public sealed record AddressInput(string? Line1, string? Line2, string? Ward, string? District, string? City, string? Province, string? PostalCode, string Country);

public sealed record ShippingInput(string? Consignee, string? Phone, AddressInput? Address, DateOnly? RequestedDeliveryDate, string? ServiceLevel);

public sealed record LineInput(string Sku, decimal? Quantity, decimal? UnitPrice, decimal? Discount = null, decimal? TaxRate = null);

public sealed record DiscountInput(string Code, decimal? Amount);

public sealed record MarketingInput(IReadOnlyList<string>? CouponCodes, IReadOnlyList<string>? PromotionCodes, IReadOnlyList<DiscountInput>? Discounts);

public sealed record FinancialInput(decimal? ShippingFee, string? PaymentMethod, PaymentStatus? PaymentStatus);

public sealed record OperationalInput(string? PreferredWarehouse, string? Notes, IReadOnlyList<string>? Tags);

/// <summary>Totals a client computed itself; when sent, they must agree with the server's to the minor unit.</summary>
/// <summary>A payment of an order imported as history.</summary>
public sealed record PaymentInput(string Method, decimal? Amount, DateTimeOffset? PaidAt);

/// <summary>
/// What makes an imported order history: the final status it reached elsewhere (Completed, Cancelled, Returned,
/// PartiallyReturned, Rejected), when (delivered, cancelled or returned; the placement date when not given), and the
/// payments received.
/// </summary>
public sealed record HistoryInput(OrderStatus Status, DateTimeOffset? DeliveredAt, DateTimeOffset? CancelledAt, DateTimeOffset? ReturnedAt,
    IReadOnlyList<PaymentInput> Payments)
{
    public static readonly OrderStatus[] FinalStatuses =
        [OrderStatus.Completed, OrderStatus.Cancelled, OrderStatus.Returned, OrderStatus.PartiallyReturned, OrderStatus.Rejected];

    /// <summary>When the order reached its final status.</summary>
    public DateTimeOffset ClosedAt(DateTimeOffset placedAt) => Status switch
    {
        OrderStatus.Cancelled or OrderStatus.Rejected => CancelledAt ?? placedAt,
        OrderStatus.Returned or OrderStatus.PartiallyReturned => ReturnedAt ?? DeliveredAt ?? placedAt,
        _ => DeliveredAt ?? placedAt,
    };
}

public sealed class HistoryValidator : AbstractValidator<HistoryInput>
{
    public HistoryValidator()
    {
        RuleFor(h => h.Status).Must(s => HistoryInput.FinalStatuses.Contains(s))
            .WithMessage($"status of a historic order is one of {string.Join(", ", HistoryInput.FinalStatuses)}.");
        RuleForEach(h => h.Payments).ChildRules(p =>
        {
            p.RuleFor(x => x.Method).NotEmpty().MaximumLength(40);
            p.RuleFor(x => x.Amount).NotNull().GreaterThan(0).PrecisionScale(18, 4, ignoreTrailingZeros: true);
            p.RuleFor(x => x.PaidAt).NotNull();
        });
        RuleFor(h => h.Payments).Must(p => p.Count <= 50).WithMessage("An order has at most 50 payments.");
    }
}

public sealed record TotalsInput(decimal? Subtotal, decimal? DiscountTotal, decimal? TaxTotal, decimal? ShippingFee, decimal? GrandTotal);

public static class OrderRules
{
    public const int MaxLines = 500;
    public const int MaxTags = 20;
    public const string TagPattern = @"^[\p{L}\p{Nd}][\p{L}\p{Nd} _-]{0,39}$";
    public static readonly string[] ServiceLevels = ["standard", "express", "same-day", "economy", "pickup"];

    public static string NormalizeTag(string tag) => tag.Trim().ToLowerInvariant();

    public static string NormalizeCode(string code) => code.Trim().ToUpperInvariant();
}

public sealed class CustomerValidator : AbstractValidator<CustomerInput>
{
    public CustomerValidator()
    {
        RuleFor(c => c.Name).NotEmpty().MaximumLength(200);
        RuleFor(c => c.Phone).MaximumLength(30).Must(p => p is null || p.Count(char.IsAsciiDigit) >= 6).WithMessage("phone needs at least 6 digits.");
        RuleFor(c => c.Email).MaximumLength(200).EmailAddress().When(c => c.Email is { Length: > 0 });
        RuleFor(c => c.Reference).MaximumLength(100);
    }
}

public sealed class ShippingValidator : AbstractValidator<ShippingInput>
{
    public sealed class AddressValidator : AbstractValidator<AddressInput>
    {
        public AddressValidator()
        {
            RuleFor(a => a.Line1).MaximumLength(200);
            RuleFor(a => a.City).NotEmpty()
                .When(a => string.IsNullOrWhiteSpace(a.Line1) && string.IsNullOrWhiteSpace(a.Province))
                .WithMessage("An address needs a street (line1), a city or a province.");
            RuleFor(a => a.Line2).MaximumLength(200);
            RuleFor(a => a.Ward).MaximumLength(100);
            RuleFor(a => a.District).MaximumLength(100);
            RuleFor(a => a.City).MaximumLength(100);
            RuleFor(a => a.Province).MaximumLength(100);
            RuleFor(a => a.PostalCode).MaximumLength(20);
            RuleFor(a => a.Country).NotEmpty().Matches("^[A-Z]{2}$").WithMessage("country is a two-letter ISO 3166 code such as VN.");
        }
    }

    public ShippingValidator()
    {
        RuleFor(s => s.Consignee).MaximumLength(200);
        RuleFor(s => s.Phone).MaximumLength(30).Must(p => p is null || p.Count(char.IsAsciiDigit) >= 6).WithMessage("phone needs at least 6 digits.");
        RuleFor(s => s.Address!).SetValidator(new AddressValidator()).When(s => s.Address is not null);
        RuleFor(s => s.ServiceLevel).Must(l => l is null || OrderRules.ServiceLevels.Contains(l))
            .WithMessage($"serviceLevel is one of {string.Join(", ", OrderRules.ServiceLevels)}.");
    }
}

public sealed class LineValidator : AbstractValidator<LineInput>
{
    public LineValidator()
    {
        RuleFor(l => l.Sku).NotEmpty().MaximumLength(64);
        RuleFor(l => l.Quantity).NotNull().GreaterThan(0).PrecisionScale(18, 4, ignoreTrailingZeros: true);
        RuleFor(l => l.UnitPrice).NotNull().GreaterThanOrEqualTo(0).PrecisionScale(18, 4, ignoreTrailingZeros: true);
        RuleFor(l => l.Discount).GreaterThanOrEqualTo(0).PrecisionScale(18, 4, ignoreTrailingZeros: true);
        RuleFor(l => l.TaxRate).InclusiveBetween(0, 1).WithMessage("taxRate is a fraction between 0 and 1 (0.1 for 10%).");
    }
}

public sealed class MarketingValidator : AbstractValidator<MarketingInput>
{
    public MarketingValidator()
    {
        RuleForEach(m => m.CouponCodes).NotEmpty().MaximumLength(40);
        RuleForEach(m => m.PromotionCodes).NotEmpty().MaximumLength(40);
        RuleForEach(m => m.Discounts).ChildRules(d =>
        {
            d.RuleFor(x => x.Code).NotEmpty().MaximumLength(40);
            d.RuleFor(x => x.Amount).NotNull().GreaterThanOrEqualTo(0).PrecisionScale(18, 4, ignoreTrailingZeros: true);
        });
    }
}

public sealed class FinancialValidator : AbstractValidator<FinancialInput>
{
    public FinancialValidator()
    {
        RuleFor(f => f.ShippingFee).GreaterThanOrEqualTo(0).PrecisionScale(18, 4, ignoreTrailingZeros: true);
        RuleFor(f => f.PaymentMethod).MaximumLength(40);
        RuleFor(f => f.PaymentStatus).IsInEnum();
    }
}

public sealed class OperationalValidator : AbstractValidator<OperationalInput>
{
    public OperationalValidator()
    {
        RuleFor(o => o.PreferredWarehouse).MaximumLength(20);
        RuleFor(o => o.Notes).MaximumLength(2000);
        RuleFor(o => o.Tags).Must(t => t is null || t.Count <= OrderRules.MaxTags).WithMessage($"An order has at most {OrderRules.MaxTags} tags.");
        RuleForEach(o => o.Tags).NotEmpty().Matches(OrderRules.TagPattern)
            .WithMessage("A tag is 1 to 40 letters, digits, spaces, '-' or '_'.");
    }
}
