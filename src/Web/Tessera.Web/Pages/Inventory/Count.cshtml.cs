using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Tessera.Inventory.Contracts;
using Tessera.ServiceDefaults.Api;
using Tessera.Web.FrontEnd;
using Tessera.Web.Services;

namespace Tessera.Web.Pages.Inventory;

public sealed class CountEntry
{
    public string Sku { get; set; } = "";
    public decimal? Counted { get; set; }
    public decimal? Previous { get; set; }
    public string? Reason { get; set; }
}

/// <summary>
/// One count: its lines a page at a time with the counted quantities to enter (only changed lines are sent, so a
/// count entered earlier keeps the book it was compared with), a SKU found that the count did not list, and posting.
/// After posting it shows each difference with the adjustment's cost.
/// </summary>
public sealed class CountModel(InventoryApi inventory, IAuthorizationService authorization) : PageModel
{
    public const int PageSize = 100;

    [BindProperty(SupportsGet = true)] public Guid Id { get; set; }
    [BindProperty(SupportsGet = true)] public bool Differences { get; set; }
    [BindProperty(SupportsGet = true, Name = "page")] public int? PageNumber { get; set; }
    [BindProperty] public List<CountEntry> Entries { get; set; } = [];
    [BindProperty] public string? FoundSku { get; set; }
    [BindProperty] public decimal? FoundCounted { get; set; }
    [BindProperty] public string? PostReason { get; set; }
    [BindProperty] public string IdempotencyKey { get; set; } = Guid.NewGuid().ToString();

    public Section<CountDto?> Count { get; private set; } = null!;
    public PagedResult<CountLineDto>? Lines { get; private set; }
    public bool CanManage { get; private set; }
    public ApiProblem? Problem { get; private set; }
    private List<CountEntry> _sent = [];

    public Pager Pager => new(Pager.Clamp(PageNumber), PageSize, Lines?.Total ?? 0,
        page => $"/inventory/counts/{Id}?" + ListQuery.Build(page, ("differences", Differences ? "true" : null)));

    public static string Scope(CountDto count) =>
        count.Bin is not null ? $"bin {count.Bin}" + (count.Skus is { Count: > 0 } s ? $", {s.Count} SKUs" : "")
        : count.Skus is { Count: > 0 } skus ? (skus.Count <= 3 ? string.Join(", ", skus) : $"{skus.Count} SKUs")
        : "whole warehouse";

    public async Task<IActionResult> OnGetAsync(CancellationToken cancellationToken) => await LoadAsync(cancellationToken) ?? Page();

    public async Task<IActionResult> OnPostEnterAsync(CancellationToken cancellationToken)
    {
        _sent = Entries.Where(e => e.Counted is not null && e.Counted != e.Previous).ToList();
        if (_sent.Count == 0)
            return Redirect(Request.Path + Request.QueryString);
        var input = _sent.Select(e => new CountEntryInput(e.Sku, e.Counted, string.IsNullOrWhiteSpace(e.Reason) ? null : e.Reason.Trim())).ToList();
        return await ActAsync(async () => Refusal(await inventory.EnterCountsAsync(Id, input, cancellationToken)), $"Saved {input.Count} counted lines.",
            cancellationToken);
    }

    public async Task<IActionResult> OnPostFoundAsync(CancellationToken cancellationToken)
    {
        var input = new List<CountEntryInput> { new((FoundSku ?? "").Trim(), FoundCounted, null) };
        return await ActAsync(async () => Refusal(await inventory.EnterCountsAsync(Id, input, cancellationToken)), $"{FoundSku} added to the count.", cancellationToken);
    }

    public async Task<IActionResult> OnPostPostAsync(CancellationToken cancellationToken) =>
        await ActAsync(async () => Refusal(await inventory.PostCountAsync(Id, PostReason ?? "", IdempotencyKey, cancellationToken)),
            "Count posted: the differences are adjusted in stock.", cancellationToken);

    public async Task<IActionResult> OnPostCancelAsync(CancellationToken cancellationToken) =>
        await ActAsync(async () => Refusal(await inventory.CancelCountAsync(Id, cancellationToken)), "Count cancelled.", cancellationToken);

    /// <summary>The place of a line among the entries sent (the service names errors by it), or -1.</summary>
    public int EntryIndex(string sku) => _sent.FindIndex(e => e.Sku == sku);

    /// <summary>What the user typed for a line when the page comes back with a problem.</summary>
    public decimal? Typed(string sku) => Entries.FirstOrDefault(e => e.Sku == sku)?.Counted;

    private static ApiProblem? Refusal<T>(ApiResult<T> result) => result.Problem;

    private async Task<IActionResult> ActAsync(Func<Task<ApiProblem?>> act, string done, CancellationToken cancellationToken)
    {
        if (!(await authorization.AuthorizeAsync(User, FrontEndModule.Policies.ReceiveStock)).Succeeded)
            return Forbid();
        var result = await Section<ApiProblem?>.LoadAsync(act, Request.Path);
        if (result.IsUp && result.Value is null)
        {
            TempData["Notice"] = done;
            return Redirect($"/inventory/counts/{Id}" + (Differences ? "?differences=true" : ""));
        }
        Problem = result.IsUp ? result.Value : ProblemExtensions.Local("Inventory is unavailable; nothing was saved.", "Try again in a moment.");
        return await LoadAsync(cancellationToken) ?? Page();
    }

    private async Task<IActionResult?> LoadAsync(CancellationToken cancellationToken)
    {
        CanManage = (await authorization.AuthorizeAsync(User, FrontEndModule.Policies.ReceiveStock)).Succeeded;
        Count = await Section<CountDto?>.LoadAsync(async () =>
        {
            var count = inventory.CountAsync(Id, cancellationToken);
            var lines = inventory.CountLinesAsync(Id, Differences, Pager.Clamp(PageNumber), PageSize, cancellationToken);
            await Task.WhenAll(count, lines);
            Lines = lines.Result;
            return count.Result;
        }, Request.Path);
        return Count.IsUp && Count.Value is null ? NotFound() : null;
    }
}
