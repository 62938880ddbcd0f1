using FluentValidation;
using Microsoft.EntityFrameworkCore;
using Tessera.Procurement.Data;
using Tessera.Procurement.Domain;

namespace Tessera.Procurement.Features;

/// <summary>A line as the buyer sends it; without a unit price the supplier's price for that quantity is used. TaxRate is a fraction (0.1 = 10 %).</summary>
public sealed record PurchaseOrderLineInput(string Sku, decimal? Quantity, decimal? UnitPrice = null, decimal? TaxRate = null);

public sealed class PurchaseOrderLineValidator : AbstractValidator<PurchaseOrderLineInput>
{
    public PurchaseOrderLineValidator()
    {
        RuleFor(l => l.Sku).NotEmpty().MaximumLength(64);
        RuleFor(l => l.Quantity).NotNull().GreaterThan(0).PrecisionScale(18, 4, ignoreTrailingZeros: true);
        RuleFor(l => l.UnitPrice).GreaterThanOrEqualTo(0).PrecisionScale(18, 4, ignoreTrailingZeros: true);
        RuleFor(l => l.TaxRate).InclusiveBetween(0, 1).WithMessage("taxRate is a fraction between 0 and 1 (0.1 for 10 %).")
            .PrecisionScale(6, 4, ignoreTrailingZeros: true);
    }
}

public static class PurchaseOrderLinesRules
{
    /// <summary>Lines 1 to 500, one per SKU (so that receipts, returns and reconciliation speak of a SKU unambiguously).</summary>
    public static void Lines<T>(this IRuleBuilder<T, IReadOnlyList<PurchaseOrderLineInput>> rule) =>
        rule.NotEmpty().WithMessage("A purchase order needs at least one line.")
            .Must(l => l is null || l.Count <= PurchaseOrder.MaxLines).WithMessage($"A purchase order has at most {PurchaseOrder.MaxLines} lines.");
}

/// <summary>
/// Turns the lines a buyer sent into a draft's lines: SKUs checked against the catalog in one batch call, one line per
/// SKU, and each missing unit price taken from the supplier's price for that quantity today.
/// </summary>
public sealed class PurchaseOrderComposer(ProcurementDbContext db, CatalogSkus catalog, InventoryLedger inventory, TimeProvider clock)
{
    public async Task<(IReadOnlyList<DraftLine>? Lines, Dictionary<string, string[]> Errors)> LinesAsync(
        Supplier supplier, IReadOnlyList<PurchaseOrderLineInput> input, CancellationToken cancellationToken)
    {
        var errors = new Dictionary<string, string[]>();
        var skus = input.Select(l => l.Sku.Trim()).ToList();
        for (var i = 0; i < skus.Count; i++)
        {
            var first = skus.IndexOf(skus[i]);
            if (first < i)
                errors[$"lines[{i}].sku"] = [$"{skus[i]} is already on line {first + 1}; a purchase order has one line per SKU."];
        }
        var known = await catalog.ExistingAsync(skus, cancellationToken);
        var prices = await db.SupplierPrices.AsNoTracking().Where(p => p.SupplierId == supplier.Id && skus.Contains(p.Sku)).ToListAsync(cancellationToken);
        var today = DateOnly.FromDateTime(clock.GetUtcNow().UtcDateTime);
        var lines = new List<DraftLine>();
        for (var i = 0; i < input.Count; i++)
        {
            var line = input[i];
            if (!known.Contains(skus[i]))
            {
                errors.TryAdd($"lines[{i}].sku", [$"Unknown SKU '{skus[i]}'. Add it to the catalog first."]);
                continue;
            }
            var unitPrice = line.UnitPrice ?? SupplierPricing.ForQuantity(prices, supplier.Id, skus[i], line.Quantity!.Value, today)?.UnitPrice;
            if (unitPrice is null)
            {
                errors[$"lines[{i}].unitPrice"] = [FormattableString.Invariant(
                    $"Supplier {supplier.Code} has no price for {line.Quantity:0.####} of {skus[i]} today; enter a unit price.")];
                continue;
            }
            lines.Add(new DraftLine(skus[i], line.Quantity!.Value, unitPrice.Value, line.TaxRate ?? 0));
        }
        return errors.Count > 0 ? (null, errors) : (lines, errors);
    }

    /// <summary>The warehouse code as inventory knows it, or an error naming the field.</summary>
    public async Task<(string? Code, string? Error)> WarehouseAsync(string warehouse, CancellationToken cancellationToken)
    {
        var code = warehouse.Trim().ToUpperInvariant();
        var found = await inventory.WarehouseAsync(code, cancellationToken);
        return found is null ? (null, $"No warehouse '{code}' exists in inventory.") : (found.Code, null);
    }
}
