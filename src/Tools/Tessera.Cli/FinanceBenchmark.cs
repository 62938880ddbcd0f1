using System.Globalization;
using System.Net;
using System.Text.Json;
using Spectre.Console;

namespace Tessera.Cli;

/// <summary>
/// tessera bench finance: a tenant's books with --lines journal lines (seeded through the public API as manual entries
/// of 500 lines over 40 accounts and two years of business dates, under idempotency keys, so a second run only
/// replays them), then trial balances as of random dates, timed against a trivial call in the same run. Every timed
/// trial balance must balance (total debit = total credit) or the run fails.
/// </summary>
public static class FinanceBenchmark
{
    public const double TargetMs = 200;
    private const int LinesPerEntry = 500;
    private const int Days = 730;

    /// <summary>Accounts of the Vietnamese chart that no invariant ties to another service (no inventory, receivable or payable).</summary>
    private static readonly string[] Accounts =
    [
        "111", "112", "113", "1281", "1331", "1388", "141", "152", "153", "211", "242", "3334", "3335", "334", "335", "3383", "3384", "3386", "3388", "341",
        "4111", "511", "515", "521", "632", "635", "6411", "6412", "6413", "6414", "6417", "6418", "6421", "6422", "6423", "6427", "6428", "711", "811", "8211",
    ];

    /// <summary>Each round (a trial balance and a trivial call) takes at least this long: under the gateway's per-client limit.</summary>
    private static readonly TimeSpan Round = TimeSpan.FromMilliseconds(2 * 1000.0 / 150);

    public sealed record Options(long Lines, int Requests, int Warmup, bool Seed);

    public static async Task<int> RunAsync(ApiClient api, Options options, CancellationToken cancellationToken)
    {
        var last = new DateOnly(2026, 11, 30);
        if (options.Seed)
            await SeedAsync(api, options, last, cancellationToken);

        var random = new Random(13);
        var samples = new Dictionary<string, List<double>> { ["trial balance"] = [], ["trivial call (GET ledger)"] = [] };
        var accounts = 0;
        await AnsiConsole.Progress().StartAsync(async progress =>
        {
            var task = progress.AddTask("Timing trial balances", maxValue: options.Warmup + options.Requests);
            for (var i = 0; i < options.Warmup + options.Requests; i++)
            {
                var round = System.Diagnostics.Stopwatch.StartNew();
                var asOf = last.AddDays(-random.Next(0, Days));
                var (trial, body) = await Stats.TimeAsync(() => api.GetAsync($"/api/finance/trial-balance?asOf={asOf:yyyy-MM-dd}", cancellationToken));
                accounts = Check(body, asOf);
                var (trivial, _) = await Stats.TimeAsync(() => api.GetAsync("/api/finance/ledger", cancellationToken));
                if (i >= options.Warmup)
                {
                    samples["trial balance"].Add(trial);
                    samples["trivial call (GET ledger)"].Add(trivial);
                }
                task.Increment(1);
                if (round.Elapsed < Round)
                    await Task.Delay(Round - round.Elapsed, cancellationToken);
            }
        });

        var entries = (await api.GetAsync<JsonElement>("/api/finance/ledger", cancellationToken)).GetProperty("entries").GetInt64();
        AnsiConsole.Write(Stats.Table(samples));
        var p95 = Stats.Percentile(samples["trial balance"], 95);
        var trivialP95 = Stats.Percentile(samples["trivial call (GET ledger)"], 95);
        AnsiConsole.MarkupLine($"{entries:N0} entries in the books (about {entries * LinesPerEntry:N0} lines if seeded here); {options.Requests} timed trial balances " +
                               $"as of random dates over {Days} days, each balanced ({accounts} accounts in the last one).");
        AnsiConsole.MarkupLine($"Trial balance p95 [bold]{Stats.Format(p95)} ms[/] (target {TargetMs:0} ms): {(p95 < TargetMs ? "[green]met[/]" : "[red]missed[/]")}; " +
                               $"p95 / trivial call p95 = {p95 / trivialP95:0.00}.");
        return p95 < TargetMs ? 0 : 1;
    }

    /// <summary>Entries of 250 debit and 250 credit lines, a pair per amount, each on a date of the last two years.</summary>
    private static async Task SeedAsync(ApiClient api, Options options, DateOnly last, CancellationToken cancellationToken)
    {
        var batches = (int)Math.Ceiling(options.Lines / (double)LinesPerEntry);
        var started = System.Diagnostics.Stopwatch.StartNew();
        await AnsiConsole.Progress().StartAsync(async progress =>
        {
            var task = progress.AddTask($"Seeding {options.Lines:N0} journal lines", maxValue: batches);
            for (var batch = 0; batch < batches; batch++)
            {
                var random = new Random(batch);
                var pairs = (int)Math.Min(LinesPerEntry, options.Lines - (long)batch * LinesPerEntry) / 2;
                var lines = new List<object>(pairs * 2);
                for (var i = 0; i < pairs; i++)
                {
                    var amount = random.Next(1, 5_000_000) * 100m;
                    lines.Add(new { account = Accounts[random.Next(Accounts.Length)], debit = amount, memo = $"bench {batch}/{i}" });
                    lines.Add(new { account = Accounts[random.Next(Accounts.Length)], credit = amount, memo = $"bench {batch}/{i}" });
                }
                var date = last.AddDays(-(batch * 7919 % Days));
                using var response = await api.PostAsync("/api/finance/entries", new
                {
                    date = date.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture), description = $"Benchmark entry {batch}", lines,
                }, $"bench-finance-{batch}", cancellationToken);
                if (!response.IsSuccessStatusCode)
                    throw new ApiException(response.StatusCode, $"Seeding failed: {await ApiClient.Describe(response)}");
                task.Increment(1);
            }
        });
        AnsiConsole.MarkupLine($"Seeded (or found) {batches:N0} entries of up to {LinesPerEntry} lines in {started.Elapsed.TotalSeconds:0} s.");
    }

    /// <summary>The trial balance balances; its number of accounts.</summary>
    private static int Check(string body, DateOnly asOf)
    {
        var trial = JsonDocument.Parse(body).RootElement;
        var (debit, credit) = (trial.GetProperty("totalDebit").GetDecimal(), trial.GetProperty("totalCredit").GetDecimal());
        if (debit != credit)
            throw new ApiException(HttpStatusCode.OK, $"The trial balance as of {asOf:yyyy-MM-dd} does not balance: {debit} ≠ {credit}.");
        return trial.GetProperty("lines").GetArrayLength();
    }
}
