using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Tessera.Reporting.Contracts;
using Tessera.Web.FrontEnd;
using Tessera.Web.Services;

namespace Tessera.Web.Pages.Reports;

/// <summary>
/// One run: every task with its status, attempts and duration, and the critical path — the chain of tasks that
/// decided when the run could finish — drawn as a timeline and listed.
/// </summary>
public sealed class RunModel(ReportingApi reporting) : PageModel
{
    public RunDto? Run { get; private set; }
    public Unavailable? Down { get; private set; }
    public ChartSpec? Timeline { get; private set; }

    public bool Finished => Run?.Status is "Succeeded" or "Failed";

    public async Task<IActionResult> OnGetAsync(Guid id, CancellationToken cancellationToken)
    {
        var loaded = await Section<RunDto?>.LoadAsync(() => reporting.RunAsync(id, cancellationToken), $"/reports/runs/{id}");
        if (!loaded.IsUp)
        {
            Down = loaded.Down;
            return Page();
        }
        Run = loaded.Value;
        if (Run is null)
            return NotFound();
        Timeline = TimelineOf(Run);
        return Page();
    }

    /// <summary>Floating bars from each task's start to its end, in seconds from the run's start; the critical path in red.</summary>
    private static ChartSpec? TimelineOf(RunDto run)
    {
        var tasks = run.Tasks.Where(t => t.StartedAt is not null && t.FinishedAt is not null).OrderBy(t => t.StartedAt).Take(200).ToList();
        if (tasks.Count == 0 || run.StartedAt is not { } start)
            return null;
        double Seconds(DateTimeOffset at) => Math.Round((at - start).TotalSeconds, 3);
        return new ChartSpec("bar", tasks.Select(t => t.Key).ToList(),
            [new ChartSeries("Task", tasks.Select(t => (object?)new[] { Seconds(t.StartedAt!.Value), Seconds(t.FinishedAt!.Value) }).ToList(),
                tasks.Select(t => t.OnCriticalPath ? "rgba(220, 53, 69, 0.85)" : "rgba(13, 110, 253, 0.5)").ToList())],
            Horizontal: true);
    }
}
