using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Tessera.Reporting.Contracts;
using Tessera.Web.FrontEnd;
using Tessera.Web.Services;

namespace Tessera.Web.Pages.Reports;

public sealed record Lineage(IReadOnlyList<ModelDto> Models, LineageDto Graph);

/// <summary>The DAG of the tenant's models, layer by layer, each with what it reads and what reads it.</summary>
public sealed class ModelsModel(ReportingApi reporting, IAuthorizationService authorization) : PageModel
{
    public static readonly string[] Layers = ["ods", "dwd", "dim", "dws", "ads"];

    public Section<Lineage> Lineage { get; private set; } = null!;
    public bool CanAdd { get; private set; }

    public async Task OnGetAsync(CancellationToken cancellationToken)
    {
        CanAdd = (await authorization.AuthorizeAsync(User, FrontEndModule.Policies.RunReports)).Succeeded;
        Lineage = await Section<Lineage>.LoadAsync(async () =>
        {
            var models = reporting.ModelsAsync(cancellationToken);
            var graph = reporting.LineageAsync(cancellationToken);
            return new Lineage(await models, await graph);
        }, "/reports/models");
    }
}
