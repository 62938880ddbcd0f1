using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Tessera.Messaging.Api;
using Tessera.ServiceDefaults.Api;
using Tessera.Web.FrontEnd;
using Tessera.Web.Services;

namespace Tessera.Web.Pages.Operations;

public sealed record InvariantCard(string Service, Section<ConsistencyReportDto> Report);

public sealed record ServiceCard(string Service, ServiceHealth Health, Section<MessagingStatusDto> Status, Section<PagedResult<InboxMessageDto>> Parked, ApiProblem? Problem);

/// <summary>For administrators: each service's health, how far behind it reads other services' events, and what it parked.</summary>
public sealed class IndexModel(OperationsApi operations) : PageModel
{
    public IReadOnlyList<ServiceCard> Cards { get; private set; } = [];

    public async Task OnGetAsync(CancellationToken cancellationToken) =>
        Cards = await Task.WhenAll(OperationsApi.Services.Select(s => LoadAsync(s, null, cancellationToken)));

    public async Task<IActionResult> OnGetCardAsync(string service, CancellationToken cancellationToken) =>
        OperationsApi.Services.Contains(service) ? Partial("_ServiceCard", await LoadAsync(service, null, cancellationToken)) : NotFound();

    /// <summary>Checking reads whole ledgers, so it runs when asked ("Check now"), not on every visit of the page.</summary>
    public async Task<IActionResult> OnGetInvariantsAsync(CancellationToken cancellationToken)
    {
        var cards = await Task.WhenAll(OperationsApi.Checked.Select(service => CheckAsync(service, cancellationToken)));
        return Partial("_Invariants", cards);
    }

    private async Task<InvariantCard> CheckAsync(string service, CancellationToken cancellationToken) =>
        new(service, await Section<ConsistencyReportDto>.LoadAsync(() => operations.ConsistencyAsync(service, cancellationToken),
            "/operations?handler=Invariants"));

    public Task<IActionResult> OnPostReplayAsync(string service, Guid id, CancellationToken cancellationToken) => ResolveAsync(service, id, replay: true, cancellationToken);

    public Task<IActionResult> OnPostDiscardAsync(string service, Guid id, CancellationToken cancellationToken) => ResolveAsync(service, id, replay: false, cancellationToken);

    private async Task<IActionResult> ResolveAsync(string service, Guid id, bool replay, CancellationToken cancellationToken)
    {
        if (!OperationsApi.Services.Contains(service))
            return NotFound();
        var result = await Section<ApiResult<InboxMessageDto>>.LoadAsync(() => operations.ResolveAsync(service, id, replay, cancellationToken), "");
        var problem = !result.IsUp ? ProblemExtensions.Local($"{result.Down!.Title} is unavailable; nothing changed.") : result.Value!.Problem;
        return Partial("_ServiceCard", await LoadAsync(service, problem, cancellationToken));
    }

    private async Task<ServiceCard> LoadAsync(string service, ApiProblem? problem, CancellationToken cancellationToken)
    {
        var retry = $"/operations?handler=Card&service={service}";
        var health = operations.HealthAsync(service, cancellationToken);
        var status = Section<MessagingStatusDto>.LoadAsync(() => operations.StatusAsync(service, cancellationToken), retry);
        var parked = Section<PagedResult<InboxMessageDto>>.LoadAsync(() => operations.ParkedAsync(service, cancellationToken), retry);
        return new ServiceCard(service, await health, await status, await parked, problem);
    }
}
