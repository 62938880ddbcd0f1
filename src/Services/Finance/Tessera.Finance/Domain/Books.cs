using System.Globalization;
using Tessera.ServiceDefaults.Data;
using Tessera.ServiceDefaults.Tenancy;

namespace Tessera.Finance.Domain;

/// <summary>
/// A tenant's books: the chart it picked (once, before anything is posted), its currency and time zone (business dates
/// are dates there), the bill match tolerance, payment terms, the lock date, and the head of the hash chain
/// (how many entries and the last hash), which every posting advances in the same transaction.
/// </summary>
public sealed class Books : ITenantOwned, IVersioned
{
    public const string DefaultTimeZone = "Asia/Ho_Chi_Minh";
    public const string DefaultCurrency = "VND";
    public const decimal DefaultBillTolerancePercent = 2m;
    public const int DefaultCustomerTermsDays = 0;
    public const int DefaultSupplierTermsDays = 30;

    public string TenantId { get; set; } = "";
    public string Chart { get; set; } = ChartTemplate.Vietnam;
    public string Currency { get; set; } = DefaultCurrency;
    public string TimeZone { get; set; } = DefaultTimeZone;
    public decimal BillTolerancePercent { get; set; } = DefaultBillTolerancePercent;
    public int CustomerTermsDays { get; set; } = DefaultCustomerTermsDays;
    public int SupplierTermsDays { get; set; } = DefaultSupplierTermsDays;
    public DateOnly? LockDate { get; set; }
    public long EntryCount { get; set; }
    public string LastHash { get; set; } = HashChain.Genesis;

    /// <summary>Goes up with every change of accounts, posting rules or settings (cached copies of the books are current while it holds).</summary>
    public long Generation { get; set; }
    public DateTimeOffset CreatedAt { get; set; }
    public DateTimeOffset UpdatedAt { get; set; }
    public long Version { get; set; }
}

/// <summary>Business dates: the calendar date in the tenant's time zone at which something happened.</summary>
public static class BusinessDates
{
    public static DateOnly Of(DateTimeOffset at, string timeZone)
    {
        var zone = TimeZoneInfo.TryFindSystemTimeZoneById(timeZone, out var found) ? found : TimeZoneInfo.Utc;
        return DateOnly.FromDateTime(TimeZoneInfo.ConvertTime(at, zone).DateTime);
    }

    public static DateOnly? Parse(string? text) =>
        DateOnly.TryParseExact(text, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var date) ? date : null;

    public static string Format(DateOnly date) => date.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
}

public sealed class FiscalYear : ITenantOwned
{
    public const string Open = "Open";
    public const string Closed = "Closed";

    public string TenantId { get; set; } = "";
    public int Year { get; set; }
    public string Status { get; set; } = Open;
    public Guid? ClosingEntryId { get; set; }
    public DateTimeOffset? ClosedAt { get; set; }
    public string? ClosedBy { get; set; }

    public DateOnly Start => new(Year, 1, 1);
    public DateOnly End => new(Year, 12, 31);
}

/// <summary>An audited change of the periods: the lock date moved forward or back, a year closed or reopened.</summary>
public sealed class PeriodChange : ITenantOwned
{
    public const string Lock = "lock";
    public const string Unlock = "unlock";
    public const string CloseYear = "close-year";
    public const string ReopenYear = "reopen-year";

    public long Id { get; set; }
    public string TenantId { get; set; } = "";
    public string Action { get; set; } = "";
    public DateOnly? LockBefore { get; set; }
    public DateOnly? LockAfter { get; set; }
    public int? Year { get; set; }
    public string By { get; set; } = "";
    public string? Reason { get; set; }
    public DateTimeOffset At { get; set; }
}

/// <summary>The next number of a document series in a tenant, taken in the transaction that issues the document (no gaps).</summary>
public sealed class NumberSeries : ITenantOwned
{
    public const string Invoice = "INV";
    public const string CreditNote = "CN";
    public const string CustomerPayment = "RCT";
    public const string SupplierPayment = "PMT";
    public const string Bill = "BILL";

    public string TenantId { get; set; } = "";
    public string Series { get; set; } = "";
    public long Next { get; set; }

    public static string Format(string series, long sequence) => string.Create(CultureInfo.InvariantCulture, $"{series}-{sequence:D7}");
}
