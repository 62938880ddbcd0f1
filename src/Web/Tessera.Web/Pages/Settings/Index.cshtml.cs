using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.EntityFrameworkCore;
using Tessera.Inventory.Contracts;
using Tessera.Procurement.Contracts;
using Tessera.ServiceDefaults.Data;
using Tessera.ServiceDefaults.Security;
using Tessera.Web.Data;
using Tessera.Web.FrontEnd;
using Tessera.Web.Services;

namespace Tessera.Web.Pages.Settings;

/// <summary>
/// The tenant's settings in one place for its administrator: name, time zone, currency, default warehouse, languages
/// (the default and those offered), invoice series — kept by the front-end — and the tolerances the services own
/// (over-receipt in purchasing; negative stock and the reservation hold in inventory), saved through their APIs.
/// </summary>
public sealed class IndexModel(WebDbContext db, TenantSettingsProvider tenants, InventoryApi inventory, ProcurementApi procurement) : PageModel
{
    [BindProperty] public string Name { get; set; } = "";
    [BindProperty] public string TimeZone { get; set; } = "";
    [BindProperty] public string Currency { get; set; } = "";
    [BindProperty] public string? DefaultWarehouse { get; set; }
    [BindProperty] public string? DefaultLanguage { get; set; }
    [BindProperty] public List<string> Languages { get; set; } = [];
    [BindProperty] public string? InvoiceSeries { get; set; }
    [BindProperty] public long Version { get; set; }
    [BindProperty] public decimal? OverReceiptTolerancePercent { get; set; }
    [BindProperty] public long ProcurementVersion { get; set; }
    [BindProperty] public bool NegativeStockAllowed { get; set; }
    [BindProperty] public int? ReservationHoldMinutes { get; set; }
    [BindProperty] public long InventoryVersion { get; set; }

    public Section<IReadOnlyList<WarehouseDto>> Warehouses { get; private set; } = null!;
    public bool ProcurementUp { get; private set; }
    public bool InventoryUp { get; private set; }
    public Dictionary<string, string> Errors { get; } = [];
    public List<ApiProblem> Problems { get; } = [];

    public static IReadOnlyList<string> TimeZones { get; } = TimeZoneInfo.GetSystemTimeZones().Select(z => z.Id).Where(id => id.Contains('/')).Order().ToList();

    private string Tenant => User.FindFirst(TesseraClaims.Tenant)!.Value;

    public async Task<IActionResult> OnGetAsync(CancellationToken cancellationToken)
    {
        var tenant = await db.Tenants.AsNoTracking().FirstOrDefaultAsync(t => t.Id == Tenant, cancellationToken);
        if (tenant is null)
            return NotFound();
        (Name, TimeZone, Currency, DefaultWarehouse, DefaultLanguage, InvoiceSeries, Version) =
            (tenant.Name, tenant.TimeZone, tenant.Currency, tenant.DefaultWarehouse, tenant.DefaultLanguage, tenant.InvoiceSeries, tenant.Version);
        Languages = tenant.Languages.Split(',', StringSplitOptions.RemoveEmptyEntries).ToList();
        await LoadServicesAsync(cancellationToken, fill: true);
        return Page();
    }

    public async Task<IActionResult> OnPostAsync(CancellationToken cancellationToken)
    {
        Name = Name.Trim();
        if (Name.Length is 0 or > 100)
            Errors["name"] = "The name is 1 to 100 characters.";
        if (!TimeZoneInfo.TryFindSystemTimeZoneById(TimeZone, out _))
            Errors["timeZone"] = "Choose a time zone from the list.";
        Currency = (Currency ?? "").Trim().ToUpperInvariant();
        if (!System.Text.RegularExpressions.Regex.IsMatch(Currency, "^[A-Z]{3}$"))
            Errors["currency"] = "The currency is a three-letter ISO 4217 code such as VND.";
        Languages = Languages.Where(FrontEnd.Languages.IsSupported).Distinct().ToList();
        if (Languages.Count == 0)
            Errors["languages"] = "Offer at least one language.";
        if (DefaultLanguage is { Length: > 0 } language && !Languages.Contains(language))
            Errors["defaultLanguage"] = "The default language must be one of those offered.";
        if (InvoiceSeries is { Length: > 20 })
            Errors["invoiceSeries"] = "The invoice series is at most 20 characters.";
        if (Errors.Count > 0)
        {
            await LoadServicesAsync(cancellationToken, fill: false);
            return Page();
        }

        await using (var transaction = await db.BeginWriteAsync(cancellationToken))
        {
            // Locked until saved (PostgreSQL; SQLite has one writer anyway): of two saves at once, the second sees the first's
            // version and is told so, instead of failing at its update (docs/adr/0024).
            var tenant = await db.Tenants.Where(t => t.Id == Tenant).ForUpdate().FirstAsync(cancellationToken);
            if (tenant.Version != Version)
            {
                Problems.Add(ProblemExtensions.Local("Someone else changed the settings meanwhile.", "Reload the page and apply your change again."));
                await LoadServicesAsync(cancellationToken, fill: false);
                return Page();
            }
            (tenant.Name, tenant.TimeZone, tenant.Currency, tenant.DefaultWarehouse, tenant.DefaultLanguage, tenant.InvoiceSeries, tenant.Languages) =
                (Name, TimeZone, Currency, Blank(DefaultWarehouse)?.ToUpperInvariant(), Blank(DefaultLanguage), Blank(InvoiceSeries), string.Join(',', Languages));
            await db.SaveChangesAsync(cancellationToken);
            await transaction.CommitAsync(cancellationToken);
        }
        tenants.Forget(Tenant);

        if (ProcurementVersion >= 0 && OverReceiptTolerancePercent is not null)
            await SaveAsync(() => procurement.SaveSettingsAsync(OverReceiptTolerancePercent, ProcurementVersion, cancellationToken), "Purchasing");
        if (InventoryVersion >= 0)
            await SaveAsync(() => inventory.SaveSettingsAsync(NegativeStockAllowed, ReservationHoldMinutes, InventoryVersion, cancellationToken), "Inventory");
        if (Problems.Count > 0)
        {
            await LoadServicesAsync(cancellationToken, fill: false);
            return Page();
        }
        TempData["Notice"] = "The settings were saved.";
        return Redirect("/settings");
    }

    private async Task SaveAsync<T>(Func<Task<ApiResult<T>>> save, string service)
    {
        var result = await Section<ApiResult<T>>.LoadAsync(save, "");
        if (!result.IsUp)
            Problems.Add(ProblemExtensions.Local($"{service} is unavailable; its settings were not saved."));
        else if (!result.Value!.Succeeded)
            Problems.Add(result.Value.Problem!);
    }

    private async Task LoadServicesAsync(CancellationToken cancellationToken, bool fill)
    {
        Warehouses = await Section<IReadOnlyList<WarehouseDto>>.LoadAsync(() => inventory.WarehousesAsync(cancellationToken), "");
        var purchasing = await Section<ProcurementSettingsDto>.LoadAsync(() => procurement.SettingsAsync(cancellationToken), "");
        var stock = await Section<InventorySettingsDto>.LoadAsync(() => inventory.SettingsAsync(cancellationToken), "");
        (ProcurementUp, InventoryUp) = (purchasing.IsUp, stock.IsUp);
        if (!fill)
            return;
        (OverReceiptTolerancePercent, ProcurementVersion) = purchasing.Value is { } p ? (p.OverReceiptTolerancePercent, p.Version) : ((decimal?)null, -1L);
        (NegativeStockAllowed, ReservationHoldMinutes, InventoryVersion) = stock.Value is { } s ? (s.NegativeStockAllowed, s.ReservationHoldMinutes, s.Version) : (false, (int?)null, -1L);
    }

    private static string? Blank(string? value) => string.IsNullOrWhiteSpace(value) ? null : value.Trim();
}
