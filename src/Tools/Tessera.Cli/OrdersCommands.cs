using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using Spectre.Console;
using Tessera.Orders.Contracts;

namespace Tessera.Cli;

/// <summary>
/// tessera orders import &lt;file&gt;: uploads a CSV of orders (docs/import.md), follows the import with a progress bar and
/// prints what was imported, skipped and rejected (with the reasons). Exit code 0 when every row was imported or already
/// there, 3 when some rows were rejected, 1 when the import failed.
/// </summary>
public static class OrdersCommands
{
    public const int RejectedRows = 3;
    private const int ShownRejections = 20;

    public static async Task<int> ImportAsync(ApiClient api, FileInfo file, bool wait, FileInfo? report, CancellationToken cancellationToken)
    {
        if (!file.Exists)
        {
            AnsiConsole.MarkupLine($"[red]No file {Markup.Escape(file.FullName)}.[/]");
            return 2;
        }
        var watch = Stopwatch.StartNew();
        var import = await UploadAsync(api, file, cancellationToken);
        AnsiConsole.MarkupLine($"Uploaded [bold]{Markup.Escape(file.Name)}[/] ({file.Length / 1024.0 / 1024.0:0.0} MB): import {import.Id}.");
        if (!wait)
            return 0;

        import = await FollowAsync(api, import, cancellationToken);
        Summarize(import, watch.Elapsed);
        if (import.RejectedRows > 0)
            await ReportRejectionsAsync(api, import, report, cancellationToken);
        return import.Status == "Failed" ? 1 : import.RejectedRows > 0 ? RejectedRows : 0;
    }

    public static async Task<OrderImportDto> UploadAsync(ApiClient api, FileInfo file, CancellationToken cancellationToken)
    {
        using var response = await api.PostContentAsync($"/api/orders/imports?fileName={Uri.EscapeDataString(file.Name)}", () =>
        {
            var content = new StreamContent(file.OpenRead());
            content.Headers.ContentType = new MediaTypeHeaderValue("text/csv") { CharSet = "utf-8" };
            return content;
        }, cancellationToken);
        if (response.StatusCode != HttpStatusCode.Accepted)
            throw new ApiException(response.StatusCode, $"The upload was refused: {await ApiClient.Describe(response)}");
        return await api.ReadAsync<OrderImportDto>(response, cancellationToken);
    }

    /// <summary>Polls the import until it is finished, showing rows processed of the file's rows.</summary>
    public static async Task<OrderImportDto> FollowAsync(ApiClient api, OrderImportDto import, CancellationToken cancellationToken)
    {
        if (!AnsiConsole.Profile.Capabilities.Interactive)
            return await FollowInLinesAsync(api, import, cancellationToken);
        await AnsiConsole.Progress()
            .Columns(new TaskDescriptionColumn(), new ProgressBarColumn(), new PercentageColumn(), new ElapsedTimeColumn(), new RemainingTimeColumn())
            .StartAsync(async progress =>
            {
                var task = progress.AddTask("Importing", maxValue: Math.Max(1, import.TotalRows));
                while (!import.Finished)
                {
                    await Task.Delay(TimeSpan.FromMilliseconds(500), cancellationToken);
                    import = await api.GetAsync<OrderImportDto>($"/api/orders/imports/{import.Id}", cancellationToken);
                    if (import.TotalRows > 0)
                        task.MaxValue = import.TotalRows;
                    task.Value = import.ProcessedRows;
                    task.Description = import.Error is { } waiting ? $"Importing ({Markup.Escape(waiting)})" : "Importing";
                }
                task.Value = task.MaxValue;
            });
        return import;
    }

    /// <summary>Output that is not a terminal (a log, a pipe) gets a line per change of progress instead of a redrawn bar.</summary>
    private static async Task<OrderImportDto> FollowInLinesAsync(ApiClient api, OrderImportDto import, CancellationToken cancellationToken)
    {
        var shown = -1;
        while (true)
        {
            if (import.ProcessedRows != shown || import.Finished)
            {
                shown = import.ProcessedRows;
                var waiting = import.Error is { } reason ? $" ({reason})" : "";
                AnsiConsole.WriteLine($"Importing: {Count(import.ProcessedRows)} of {Count(import.TotalRows)} rows ({import.Percent} %){waiting}");
            }
            if (import.Finished)
                return import;
            await Task.Delay(TimeSpan.FromMilliseconds(500), cancellationToken);
            import = await api.GetAsync<OrderImportDto>($"/api/orders/imports/{import.Id}", cancellationToken);
        }
    }

    private static void Summarize(OrderImportDto import, TimeSpan elapsed)
    {
        if (import.Status == "Failed")
        {
            AnsiConsole.MarkupLine($"[red]The import failed:[/] {Markup.Escape(import.Error ?? "no reason given")}");
            return;
        }
        var table = new Table().AddColumns("Rows", "Count");
        table.AddRow("In the file", Count(import.TotalRows));
        table.AddRow($"Imported ({Count(import.AcceptedOrders)} orders)", Count(import.AcceptedRows));
        table.AddRow("Already imported (skipped)", Count(import.SkippedRows));
        table.AddRow(import.RejectedRows > 0 ? "[red]Rejected[/]" : "Rejected", Count(import.RejectedRows));
        AnsiConsole.Write(table);
        AnsiConsole.MarkupLine($"Done in {elapsed.TotalSeconds:0.0} s.");
    }

    private static async Task ReportRejectionsAsync(ApiClient api, OrderImportDto import, FileInfo? report, CancellationToken cancellationToken)
    {
        var shown = new Table().AddColumns("Row", "External ref", "Reason");
        var count = 0;
        await using var writer = report is null ? null : new StreamWriter(report.FullName, append: false, new System.Text.UTF8Encoding(false));
        writer?.WriteLine(CsvLine.Of(["row", "external_ref", "reason"]));
        int? after = 0;
        while (after is not null && (writer is not null || count < ShownRejections))
        {
            var page = await api.GetAsync<ImportRejectionPageDto>($"/api/orders/imports/{import.Id}/rejections?after={after}&limit=1000", cancellationToken);
            foreach (var rejection in page.Items)
            {
                if (count++ < ShownRejections)
                    shown.AddRow(Count(rejection.Row), Markup.Escape(rejection.ExternalRef ?? ""), Markup.Escape(rejection.Reason));
                writer?.WriteLine(CsvLine.Of([rejection.Row.ToString(CultureInfo.InvariantCulture), rejection.ExternalRef, rejection.Reason]));
            }
            after = page.Next;
        }
        AnsiConsole.Write(shown);
        if (report is not null)
            AnsiConsole.MarkupLine($"Every rejected row with its reason: {Markup.Escape(report.FullName)}");
        else if (import.RejectedRows > ShownRejections)
            AnsiConsole.MarkupLine($"The first {ShownRejections} of {Count(import.RejectedRows)} rejected rows; --report <file> writes them all.");
    }

    private static string Count(int value) => value.ToString("N0", CultureInfo.InvariantCulture);
}
