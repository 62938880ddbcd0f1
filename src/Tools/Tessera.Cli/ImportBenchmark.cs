using System.Diagnostics;
using System.Globalization;
using Spectre.Console;
using Tessera.Orders.Contracts;

namespace Tessera.Cli;

/// <summary>
/// tessera bench import: writes an import file of --lines rows (every --bad-every-th row wrong), uploads it, and times
/// the import from upload to done; with --twice it imports the same file again and checks that nothing is added.
/// The orders are new on every run (their references carry the run's name), so each run measures a real import.
/// </summary>
public static class ImportBenchmark
{
    public const double TargetSeconds = 60;

    public sealed record Options(int Lines, int BadEvery, string Run, bool Twice, bool Keep, bool UntilConfirmed = false);

    /// <summary>Target of --until-confirmed: every imported order has left Pending this long after the import completed.</summary>
    public const double ConfirmedTargetSeconds = 60;

    public static async Task<int> RunAsync(ApiClient api, Options options, CancellationToken cancellationToken)
    {
        await AnsiConsole.Status().StartAsync("Creating the benchmark products", _ => BenchOrders.EnsureCatalogAsync(api, cancellationToken));
        var orders = new BenchOrders("BI" + options.Run, DateTimeOffset.UtcNow.AddMinutes(-1));
        var file = new FileInfo(Path.Combine(Path.GetTempPath(), $"tessera-bench-import-{options.Run}.csv"));
        long orderCount;
        int bad;
        await using (var writer = new StreamWriter(file.FullName, append: false, new System.Text.UTF8Encoding(false)))
            (orderCount, bad) = orders.Write(writer, 1, options.Lines, options.BadEvery);
        file.Refresh();
        AnsiConsole.MarkupLine($"Wrote {options.Lines:N0} rows ({orderCount:N0} orders, {bad:N0} bad rows), {file.Length / 1024.0 / 1024.0:0.0} MB: {Markup.Escape(file.FullName)}");

        try
        {
            var (first, firstSeconds) = await ImportAsync(api, file, cancellationToken);
            var rows = new List<(string, OrderImportDto, double)> { ("first", first, firstSeconds) };
            var ok = first.Status == "Completed" && first.AcceptedRows == options.Lines - bad && first.RejectedRows == bad;
            double? confirmedSeconds = null;
            if (options.UntilConfirmed)
            {
                // Inventory reserves each imported order and the orders service confirms it (or rejects it where the
                // benchmark stock ran short): the import is only really done for the business when none is Pending.
                var confirming = Stopwatch.StartNew();
                var pending = await FlowBenchmark.PendingAsync(api, cancellationToken);
                await AnsiConsole.Status().StartAsync($"Waiting until no order is Pending ({pending:N0} now)", async status =>
                {
                    while ((pending = await FlowBenchmark.PendingAsync(api, cancellationToken)) > 0)
                    {
                        status.Status($"Waiting until no order is Pending ({pending:N0} now, {confirming.Elapsed.TotalSeconds:0} s)");
                        await Task.Delay(500, cancellationToken);
                    }
                });
                confirmedSeconds = confirming.Elapsed.TotalSeconds;
            }
            if (options.Twice)
            {
                var (second, secondSeconds) = await ImportAsync(api, file, cancellationToken);
                rows.Add(("same file again", second, secondSeconds));
                ok &= second is { Status: "Completed", AcceptedOrders: 0 } && second.SkippedRows == first.AcceptedRows;
            }

            var table = new Table().AddColumns("Import", "Rows", "Imported", "Skipped", "Rejected", "Seconds", "Rows/s");
            foreach (var (name, import, seconds) in rows)
                table.AddRow(name, N(import.TotalRows), N(import.AcceptedRows), N(import.SkippedRows), N(import.RejectedRows),
                    seconds.ToString("0.0", CultureInfo.InvariantCulture), N((int)(import.TotalRows / seconds)));
            AnsiConsole.Write(table);
            if (!ok)
                AnsiConsole.MarkupLine("[red]The counts are not what the file holds.[/]");
            var met = firstSeconds < TargetSeconds;
            AnsiConsole.MarkupLine($"Import of {options.Lines:N0} lines: [bold]{firstSeconds:0.0} s[/] (target {TargetSeconds:0} s): {(met ? "[green]met[/]" : "[red]missed[/]")}.");
            if (confirmedSeconds is double confirmed)
            {
                var confirmedMet = confirmed <= ConfirmedTargetSeconds;
                AnsiConsole.MarkupLine($"Every imported order out of Pending [bold]{confirmed:0.0} s[/] after the import completed " +
                                       $"(target {ConfirmedTargetSeconds:0} s): {(confirmedMet ? "[green]met[/]" : "[red]missed[/]")}.");
                met &= confirmedMet;
            }
            return ok && met ? 0 : 1;
        }
        finally
        {
            if (!options.Keep)
                file.Delete();
        }
    }

    /// <summary>Seconds from the start of the upload until the import is done, as the client sees it.</summary>
    private static async Task<(OrderImportDto Import, double Seconds)> ImportAsync(ApiClient api, FileInfo file, CancellationToken cancellationToken)
    {
        var watch = Stopwatch.StartNew();
        var import = await OrdersCommands.FollowAsync(api, await OrdersCommands.UploadAsync(api, file, cancellationToken), cancellationToken);
        return (import, watch.Elapsed.TotalSeconds);
    }

    private static string N(int value) => value.ToString("N0", CultureInfo.InvariantCulture);
}
