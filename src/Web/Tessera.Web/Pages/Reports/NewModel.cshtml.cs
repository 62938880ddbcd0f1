using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Tessera.Web.Services;

namespace Tessera.Web.Pages.Reports;

/// <summary>Add a model of the tenant's own: checked by the reporting service (header, refs, no cycle, one SELECT that binds).</summary>
public sealed class NewModelModel(ReportingApi reporting) : PageModel
{
    public const string Example = """
        -- layer: ads
        -- materialized: partitioned
        -- metric: channel_share_daily
        -- description: Each channel's share of the day's gmv.
        -- test: expression(share between 0 and 1)
        select business_date, channel, sum(gmv) as gmv,
               sum(gmv) / sum(sum(gmv)) over (partition by business_date) as share
        from {{ ref('dwd_order_lines') }}
        where {{ partition_filter('business_date') }}
        group by business_date, channel
        """;

    [BindProperty]
    public string Name { get; set; } = "";

    [BindProperty]
    public string Sql { get; set; } = Example;

    public ApiProblem? Problem { get; private set; }

    public void OnGet()
    {
    }

    public async Task<IActionResult> OnPostAsync(CancellationToken cancellationToken)
    {
        var added = await reporting.AddModelAsync(Name.Trim(), Sql, cancellationToken);
        if (added.Succeeded)
            return Redirect($"/reports/models#model-{added.Value!.Name}");
        Problem = added.Problem;
        return Page();
    }
}
