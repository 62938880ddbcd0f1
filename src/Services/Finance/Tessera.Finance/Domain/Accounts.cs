using Tessera.ServiceDefaults.Data;
using Tessera.ServiceDefaults.Tenancy;

namespace Tessera.Finance.Domain;

public static class AccountTypes
{
    public const string Asset = "asset";
    public const string Liability = "liability";
    public const string Equity = "equity";
    public const string Revenue = "revenue";
    public const string Expense = "expense";

    public static readonly IReadOnlyList<string> All = [Asset, Liability, Equity, Revenue, Expense];

    /// <summary>Revenue and expense accounts are closed to the income summary at year end.</summary>
    public static bool IsProfitAndLoss(string type) => type is Revenue or Expense;
}

public static class Sides
{
    public const string Debit = "debit";
    public const string Credit = "credit";

    public static bool IsValid(string? side) => side is Debit or Credit;
}

/// <summary>
/// What Tessera itself relies on in a chart, named by role rather than by number so that both charts (and a tenant's
/// own sub-accounts) work: the invariants, the ageing reports and the year-end close find their accounts this way.
/// </summary>
public static class AccountRoles
{
    public const string Inventory = "inventory";
    public const string GoodsInTransit = "goods-in-transit";
    public const string Receivable = "receivable";
    public const string Payable = "payable";
    public const string IncomeSummary = "income-summary";
    public const string CurrentYearResult = "current-year-result";
    public const string RetainedEarnings = "retained-earnings";

    public static readonly IReadOnlyList<string> All = [Inventory, GoodsInTransit, Receivable, Payable, IncomeSummary, CurrentYearResult, RetainedEarnings];

    /// <summary>Accounts whose lines must name the document they belong to (an invoice, a bill, a payment): the sub-ledgers of I7.</summary>
    public static bool IsOpenItem(string? role) => role is Receivable or Payable;
}

/// <summary>
/// An account of a tenant's chart. Type, normal side, statement line and role come from the template, or from the
/// parent for a tenant's own sub-account. An account with postings keeps its type and cannot be deleted; unused ones
/// are deactivated.
/// </summary>
public sealed class Account : ITenantOwned, IVersioned
{
    public string TenantId { get; set; } = "";
    public string Code { get; set; } = "";
    public string? Parent { get; set; }
    public string Type { get; set; } = "";
    public string NormalSide { get; set; } = Sides.Debit;
    public string? Statement { get; set; }
    public string? Role { get; set; }
    public string Name { get; set; } = "";
    public string NameVi { get; set; } = "";
    public bool Active { get; set; } = true;
    public bool FromTemplate { get; set; }
    public DateTimeOffset CreatedAt { get; set; }
    public DateTimeOffset UpdatedAt { get; set; }
    public long Version { get; set; }
}

/// <summary>What a rule or an entry needs to know of an account.</summary>
public sealed record AccountRef(string Code, bool Active, string Type, string? Role);
