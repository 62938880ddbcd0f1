using FluentValidation;

namespace Tessera.Catalog.Features;

public interface IProductFields
{
    string Name { get; }
    string Category { get; }
    string Unit { get; }
    decimal? Price { get; }
    string Currency { get; }
}

/// <summary>The rules a product's fields follow, shared by create and update.</summary>
public abstract class ProductFieldsValidator<T> : AbstractValidator<T> where T : IProductFields
{
    protected ProductFieldsValidator()
    {
        RuleFor(r => r.Name).NotEmpty().MaximumLength(200);
        RuleFor(r => r.Category).NotEmpty().MaximumLength(100);
        RuleFor(r => r.Unit).NotEmpty().MaximumLength(20);
        RuleFor(r => r.Price).NotNull().GreaterThanOrEqualTo(0).PrecisionScale(18, 4, ignoreTrailingZeros: true);
        RuleFor(r => r.Currency).NotEmpty().Matches("^[A-Z]{3}$").WithMessage("currency must be a three-letter ISO 4217 code such as VND or USD.");
    }
}

public static class SkuRules
{
    public const string Pattern = "^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$";

    public static IRuleBuilderOptions<T, string> ValidSku<T>(this IRuleBuilder<T, string> rule) =>
        rule.NotEmpty().Matches(Pattern)
            .WithMessage("sku must be 1 to 64 letters, digits, '.', '_' or '-', starting with a letter or digit.");
}
