using System.Globalization;
using Tessera.Finance.Contracts;
using Tessera.Web.FrontEnd;

namespace Tessera.Web.Pages.Finance;

/// <summary>What the finance pages share: their sections, and amounts shown in the books' currency.</summary>
public static class FinancePages
{
    public static readonly (string Path, string Label)[] Sections =
    [
        ("/finance", "Trial balance"),
        ("/finance/journal", "Journal"),
        ("/finance/balance-sheet", "Balance sheet"),
        ("/finance/income-statement", "Income statement"),
        ("/finance/invoices", "Invoices"),
        ("/finance/bills", "Bills"),
        ("/finance/ageing", "Ageing"),
        ("/finance/posting-rules", "Posting rules"),
        ("/finance/periods", "Periods"),
    ];

    /// <summary>An amount in the books' currency; zero shows as empty in a debit or credit column.</summary>
    public static string Amount(this Formatting fmt, decimal value, string currency, bool blankZero = false) =>
        blankZero && value == 0 ? "" : fmt.Money(value, currency);

    public static string Iso(DateOnly date) => date.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);

    /// <summary>The account's name in the page's language: Vietnamese when the page is in Vietnamese.</summary>
    public static string Name(string name, string nameVi) => CultureInfo.CurrentCulture.Name == "vi-VN" ? nameVi : name;

    public static string Label(FinancialStatementLineDto line) => Name(line.Name, line.NameVi);

    public static string Badge(string status) => status switch
    {
        "Paid" or "Approved" => "text-bg-success",
        "Held" => "text-bg-warning",
        "Credited" => "text-bg-secondary",
        "PartiallyPaid" => "text-bg-info",
        _ => "text-bg-light",
    };
}
