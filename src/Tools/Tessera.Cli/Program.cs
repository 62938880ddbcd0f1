using System.CommandLine;
using Spectre.Console;
using Tessera.Cli;

var url = new Option<string>("--url")
{
    Description = "Tessera's public address (env TESSERA_URL)",
    DefaultValueFactory = _ => Environment.GetEnvironmentVariable("TESSERA_URL") ?? "http://127.0.0.1:5000",
    Recursive = true,
};
var tenant = new Option<string>("--tenant")
{
    Description = "Tenant to sign in to (env TESSERA_TENANT)",
    DefaultValueFactory = _ => Environment.GetEnvironmentVariable("TESSERA_TENANT") ?? "demo",
    Recursive = true,
};
var username = new Option<string>("--username")
{
    Description = "User to sign in as (env TESSERA_USERNAME)",
    DefaultValueFactory = _ => Environment.GetEnvironmentVariable("TESSERA_USERNAME") ?? "admin",
    Recursive = true,
};
// Secrets are read from the environment when the option is absent, not through a default value: --help prints
// default values, and a password or token must never appear on a screen or in a log.
var password = new Option<string?>("--password")
{
    Description = "Password (env TESSERA_PASSWORD; defaults to TESSERA_ADMIN_PASSWORD)",
    Recursive = true,
};
var token = new Option<string?>("--token")
{
    Description = "An access token to use instead of signing in (env TESSERA_TOKEN)",
    Recursive = true,
};

CliConsole.Configure();

var root = new RootCommand("tessera — the Tessera ERP command line");
root.Options.Add(url);
root.Options.Add(tenant);
root.Options.Add(username);
root.Options.Add(password);
root.Options.Add(token);

string? Password(ParseResult result) =>
    result.GetValue(password) ?? Environment.GetEnvironmentVariable("TESSERA_PASSWORD") ?? Environment.GetEnvironmentVariable("TESSERA_ADMIN_PASSWORD");

ApiClient Api(ParseResult result) => new(new Connection(
    new Uri(result.GetValue(url)!), result.GetValue(token) ?? Environment.GetEnvironmentVariable("TESSERA_TOKEN"), result.GetValue(tenant)!,
    result.GetValue(username)!, Password(result)));

// seed --demo
var demo = new Option<bool>("--demo")
{
    Description = "Load the demo data set: products, warehouses, stock, customers and orders over 60 days, suppliers and purchase orders, shipments, " +
                  "transfers, counts, history and finance documents",
};
var seedValue = new Option<int>("--seed") { Description = "Random seed of the data set", DefaultValueFactory = _ => 42 };
var orderCount = new Option<int>("--orders") { Description = "How many orders to place", DefaultValueFactory = _ => 300 };
var today = new Option<DateOnly?>("--today") { Description = "Spread the orders over the 60 days up to this date (UTC) instead of up to now" };
var seed = new Command("seed", "Load data into a tenant through the API") { demo, seedValue, orderCount, today };
seed.SetAction(async (result, cancellationToken) =>
{
    if (!result.GetValue(demo))
    {
        AnsiConsole.MarkupLine("[red]Say which data set to load:[/] tessera seed --demo");
        return 2;
    }
    using var api = Api(result);
    return await Run(() => SeedCommand.RunAsync(api, result.GetValue(seedValue), result.GetValue(orderCount), result.GetValue(today), result.GetValue(tenant)!,
        cancellationToken));
});
root.Subcommands.Add(seed);

// token
var tokenCommand = new Command("token", "Sign in and print an access token for the API");
tokenCommand.SetAction(async (result, cancellationToken) =>
{
    using var api = Api(result);
    return await Run(async () =>
    {
        Console.Out.WriteLine(await api.SignInAsync(cancellationToken));
        return 0;
    });
});
root.Subcommands.Add(tokenCommand);

// dead-letters list|replay|discard
var service = new Option<string?>("--service")
{
    Description = "Service whose parked messages to manage (list: every service when left out)",
    Recursive = true,
};
service.AcceptOnlyFromAmong([.. DeadLetterCommands.Services]);
var status = new Option<string>("--status") { Description = "parked, or retrying", DefaultValueFactory = _ => "parked" };
status.AcceptOnlyFromAmong("parked", "retrying");
var messageId = new Argument<Guid>("id") { Description = "The message id" };

var list = new Command("list", "List parked (or retrying) messages") { status };
list.SetAction(async (result, cancellationToken) =>
{
    using var api = Api(result);
    return await Run(() => DeadLetterCommands.ListAsync(api, result.GetValue(service), result.GetValue(status)!, cancellationToken));
});
var replay = new Command("replay", "Handle a parked message again, after its cause is fixed") { messageId };
replay.SetAction(async (result, cancellationToken) =>
{
    using var api = Api(result);
    return await Run(() => DeadLetterCommands.ResolveAsync(api, result.GetValue(service), result.GetValue(messageId), "replay", cancellationToken));
});
var discard = new Command("discard", "Drop a parked message (after compensating by hand)") { messageId };
discard.SetAction(async (result, cancellationToken) =>
{
    using var api = Api(result);
    return await Run(() => DeadLetterCommands.ResolveAsync(api, result.GetValue(service), result.GetValue(messageId), "discard", cancellationToken));
});
var deadLetters = new Command("dead-letters", "Manage messages a service could not handle") { service, list, replay, discard };
root.Subcommands.Add(deadLetters);

// tenant create
var tenantId = new Option<string>("--id") { Description = "The new tenant's id (lower-case letters, digits, '-')", Required = true };
var tenantName = new Option<string>("--name") { Description = "The tenant's display name", Required = true };
var adminUsername = new Option<string>("--admin-username") { Description = "Username of the tenant's first administrator", Required = true };
var adminPassword = new Option<string>("--admin-password") { Description = "Password of that administrator (10 characters or more)", Required = true };
var timeZone = new Option<string?>("--time-zone") { Description = "IANA time zone of the tenant's business (default Asia/Ho_Chi_Minh)" };
var currency = new Option<string?>("--currency") { Description = "Home currency, ISO 4217 (default VND)" };
var chart = new Option<string?>("--chart") { Description = "Chart of accounts: vn-tt99 (Vietnam, Circular 99/2025/TT-BTC; the default) or ifrs" };
chart.AcceptOnlyFromAmong("vn-tt99", "ifrs");
var createTenant = new Command("create", "Create a tenant with its first administrator and its books (operators only)")
    { tenantId, tenantName, adminUsername, adminPassword, timeZone, currency, chart };
createTenant.SetAction(async (result, cancellationToken) =>
{
    using var api = Api(result);
    return await Run(() => TenantCommands.CreateAsync(api, result.GetValue(tenantId)!, result.GetValue(tenantName)!, result.GetValue(adminUsername)!,
        result.GetValue(adminPassword)!, result.GetValue(timeZone), result.GetValue(currency), result.GetValue(chart), cancellationToken));
});
root.Subcommands.Add(new Command("tenant", "Tenants of this installation") { createTenant });

// finance verify
var verify = new Command("verify", "Recompute the hash chain of the tenant's journal and name the first broken entry");
verify.SetAction(async (result, cancellationToken) =>
{
    using var api = Api(result);
    return await Run(() => FinanceCommands.VerifyAsync(api, cancellationToken));
});
root.Subcommands.Add(new Command("finance", "The books") { verify });

// bench stock-page
var benchProducts = new Option<int>("--products") { Description = "Products in the catalog", DefaultValueFactory = _ => 10_000 };
var benchWarehouses = new Option<int>("--warehouses") { Description = "Warehouses; stock rows = products × warehouses", DefaultValueFactory = _ => 10 };
var benchRequests = new Option<int>("--requests") { Description = "Timed page loads", DefaultValueFactory = _ => 300 };
var benchWarmup = new Option<int>("--warmup") { Description = "Untimed page loads first", DefaultValueFactory = _ => 30 };
var noSeed = new Option<bool>("--no-seed") { Description = "Measure only; the data is already there" };
var stockPage = new Command("stock-page", "Time the composed stock page (seeds its data through the API first)")
    { benchProducts, benchWarehouses, benchRequests, benchWarmup, noSeed };
stockPage.SetAction(async (result, cancellationToken) =>
{
    using var api = Api(result);
    var options = new StockPageBenchmark.Options(result.GetValue(benchProducts), result.GetValue(benchWarehouses), result.GetValue(benchRequests),
        result.GetValue(benchWarmup), !result.GetValue(noSeed), Password(result) ?? "", result.GetValue(tenant)!, result.GetValue(username)!);
    return await Run(() => StockPageBenchmark.RunAsync(api, new Uri(result.GetValue(url)!), options, cancellationToken));
});
// bench import
var importLines = new Option<int>("--lines") { Description = "Rows in the import file", DefaultValueFactory = _ => 100_000 };
var badEvery = new Option<int>("--bad-every") { Description = "Every n-th row has a mistake (0: none)", DefaultValueFactory = _ => 1_000 };
var run = new Option<string>("--run") { Description = "Name of this run; orders carry it in their references", DefaultValueFactory = _ => DateTime.UtcNow.ToString("MMddHHmmss", System.Globalization.CultureInfo.InvariantCulture) };
var twice = new Option<bool>("--twice") { Description = "Import the same file a second time and check that nothing is added" };
var keep = new Option<bool>("--keep") { Description = "Keep the generated file" };
var untilConfirmed = new Option<bool>("--until-confirmed") { Description = "After the first import, also time until no order is Pending any more" };
var importBench = new Command("import", "Time the import of a generated CSV of orders") { importLines, badEvery, run, twice, keep, untilConfirmed };
importBench.SetAction(async (result, cancellationToken) =>
{
    using var api = Api(result);
    return await Run(() => ImportBenchmark.RunAsync(api, new ImportBenchmark.Options(result.GetValue(importLines), result.GetValue(badEvery),
        result.GetValue(run)!, result.GetValue(twice), result.GetValue(keep), result.GetValue(untilConfirmed)), cancellationToken));
});

// bench search
var searchOrders = new Option<long>("--orders") { Description = "Orders in the tenant (seeded through the import)", DefaultValueFactory = _ => 1_000_000 };
var writeFiles = new Option<string?>("--write-files")
{
    Description = "Only write the seeding files into this folder, for the orders service's offline bench-load (docs/benchmarks.md), and stop",
};
var fileLines = new Option<int>("--file-lines") { Description = "Rows per seeding import file", DefaultValueFactory = _ => 100_000 };
var searchRequests = new Option<int>("--requests") { Description = "Timed requests of each kind", DefaultValueFactory = _ => 100 };
var searchWarmup = new Option<int>("--warmup") { Description = "Untimed requests of each kind first", DefaultValueFactory = _ => 5 };
var randomSeed = new Option<int>("--seed") { Description = "Seed of the random query values", DefaultValueFactory = _ => 7 };
var searchBench = new Command("search", "Time order list and search with many orders (seeds them through the import first)")
    { searchOrders, fileLines, searchRequests, searchWarmup, noSeed, randomSeed, writeFiles };
searchBench.SetAction(async (result, cancellationToken) =>
{
    using var api = Api(result);
    return await Run(() => SearchBenchmark.RunAsync(api, new SearchBenchmark.Options(result.GetValue(searchOrders), result.GetValue(fileLines),
        result.GetValue(searchRequests), result.GetValue(searchWarmup), !result.GetValue(noSeed), result.GetValue(randomSeed), result.GetValue(writeFiles)),
        cancellationToken));
});
// bench movements
var ledgerMovements = new Option<long>("--movements") { Description = "Movements of the benchmark SKU (seeded through the API)", DefaultValueFactory = _ => 1_000_000 };
var ledgerRequests = new Option<int>("--requests") { Description = "Timed history pages", DefaultValueFactory = _ => 300 };
var ledgerWarmup = new Option<int>("--warmup") { Description = "Untimed pages first", DefaultValueFactory = _ => 30 };
var ledgerPageSize = new Option<int>("--page-size") { Description = "Movements per history page", DefaultValueFactory = _ => 50 };
var ledgerSku = new Option<string>("--sku") { Description = "The benchmark SKU", DefaultValueFactory = _ => "BENCH-LEDGER-1" };
var ledgerWarehouse = new Option<string>("--warehouse") { Description = "The benchmark warehouse", DefaultValueFactory = _ => "BLEDGER" };
var movementsBench = new Command("movements", "Time random pages of a SKU's movement history with running balance (seeds its movements through the API first)")
    { ledgerMovements, ledgerRequests, ledgerWarmup, ledgerPageSize, ledgerSku, ledgerWarehouse, noSeed };
movementsBench.SetAction(async (result, cancellationToken) =>
{
    using var api = Api(result);
    return await Run(() => MovementsBenchmark.RunAsync(api, new MovementsBenchmark.Options(result.GetValue(ledgerMovements), result.GetValue(ledgerRequests),
        result.GetValue(ledgerWarmup), result.GetValue(ledgerPageSize), !result.GetValue(noSeed), result.GetValue(ledgerSku)!, result.GetValue(ledgerWarehouse)!),
        cancellationToken));
});
// bench finance
var financeLines = new Option<long>("--lines") { Description = "Journal lines in the books (seeded through the API as manual entries)", DefaultValueFactory = _ => 1_000_000 };
var financeRequests = new Option<int>("--requests") { Description = "Timed trial balances", DefaultValueFactory = _ => 300 };
var financeWarmup = new Option<int>("--warmup") { Description = "Untimed trial balances first", DefaultValueFactory = _ => 30 };
var financeNoSeed = new Option<bool>("--no-seed") { Description = "Measure only; the lines are already there" };
var financeBench = new Command("finance", "Time the trial balance with many journal lines (seeds them through the API first)")
    { financeLines, financeRequests, financeWarmup, financeNoSeed };
financeBench.SetAction(async (result, cancellationToken) =>
{
    using var api = Api(result);
    return await Run(() => FinanceBenchmark.RunAsync(api, new FinanceBenchmark.Options(result.GetValue(financeLines), result.GetValue(financeRequests),
        result.GetValue(financeWarmup), !result.GetValue(financeNoSeed)), cancellationToken));
});
// bench flow
var flowRate = new Option<int>("--rate") { Description = "Orders per second of the paced phase", DefaultValueFactory = _ => 200 };
var flowSeconds = new Option<int>("--seconds") { Description = "Length of the paced phase in seconds", DefaultValueFactory = _ => 60 };
var flowBurst = new Option<int>("--burst") { Description = "Orders of the burst phase", DefaultValueFactory = _ => 10_000 };
var flowConnections = new Option<int>("--connections") { Description = "Connections of the burst and the wide closed loop", DefaultValueFactory = _ => 32 };
var flowClosedSeconds = new Option<int>("--closed-seconds") { Description = "Length of each closed loop in seconds", DefaultValueFactory = _ => 10 };
var flowPhases = new Option<string>("--phases") { Description = "Comma-separated: closed, paced, burst", DefaultValueFactory = _ => "closed,paced,burst" };
var flowData = new Option<string?>("--data") { Description = "The AppHost's data folder, to read the services' process ids (CPU time per order)" };
var flowWarmup = new Option<int>("--warmup") { Description = "Orders placed and confirmed before anything is measured", DefaultValueFactory = _ => 2_000 };
var flowBare = new Option<string?>("--bare") { Description = "The bare endpoint's dll (default: bench/Tessera.Bench.BareWrite's Release build)" };
var flowBench = new Command("flow", "Place orders through the public API (closed loops, a paced rate, a burst): placement and Pending → Confirmed latency, " +
                                    "confirmed/s and CPU per order per process, beside a bare single-hop endpoint")
    { flowRate, flowSeconds, flowBurst, flowConnections, flowClosedSeconds, flowPhases, flowData, flowBare, flowWarmup, run };
flowBench.SetAction(async (result, cancellationToken) =>
{
    using var api = Api(result);
    var phases = result.GetValue(flowPhases)!.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).ToHashSet(StringComparer.OrdinalIgnoreCase);
    var options = new FlowBenchmark.Options(result.GetValue(flowRate), result.GetValue(flowSeconds), result.GetValue(flowBurst), result.GetValue(flowConnections),
        result.GetValue(flowClosedSeconds), phases, result.GetValue(flowData), result.GetValue(flowBare), result.GetValue(run)!, result.GetValue(flowWarmup));
    return await Run(() => FlowBenchmark.RunAsync(api, new Uri(result.GetValue(url)!), options, cancellationToken));
});
// bench warehouse
var warehouseLines = new Option<long>("--lines") { Description = "Order lines over the period", DefaultValueFactory = _ => 10_000_000 };
var warehouseDays = new Option<int>("--days") { Description = "Days the orders are spread over", DefaultValueFactory = _ => 365 };
var warehouseSkus = new Option<int>("--skus") { Description = "Products", DefaultValueFactory = _ => 5_000 };
var warehouseQueries = new Option<int>("--queries") { Description = "Timed ADS metric queries of each kind", DefaultValueFactory = _ => 200 };
var noSkew = new Option<bool>("--no-skew") { Description = "Leave out the second data set where one SKU holds half of the lines" };
var warehouseData = new Option<string?>("--data") { Description = "Folder for the throwaway warehouses (default: the temp folder)" };
var warehouseKeep = new Option<bool>("--keep") { Description = "Keep the warehouses afterwards" };
var warehouseMemory = new Option<string>("--memory-limit") { Description = "DuckDB memory limit of the warehouse", DefaultValueFactory = _ => "4GB" };
var warehouseBench = new Command("warehouse",
    "Time the reporting warehouse in this process: a year of synthetic events, full rebuild through the run engine and as plain SQL, a one-day re-run, ADS queries, skew")
    { warehouseLines, warehouseDays, warehouseSkus, warehouseQueries, noSkew, warehouseData, warehouseKeep, warehouseMemory };
warehouseBench.SetAction(async (result, cancellationToken) => await Run(() => WarehouseBenchmark.RunAsync(new WarehouseBenchmark.Options(
    result.GetValue(warehouseLines), result.GetValue(warehouseDays), result.GetValue(warehouseSkus), result.GetValue(warehouseQueries), !result.GetValue(noSkew),
    result.GetValue(warehouseData), result.GetValue(warehouseKeep), result.GetValue(warehouseMemory)!), cancellationToken)));
// bench engines
var engineRows = new Option<int>("--rows") { Description = "Rows in each engine", DefaultValueFactory = _ => 5_000_000 };
var engineRepeats = new Option<int>("--repeats") { Description = "Times each query runs (the best after the first counts)", DefaultValueFactory = _ => 4 };
var enginesBench = new Command("engines", "The same aggregation in DuckDB and SQLite, in this process (the warehouse's engine choice, ADR 0018)")
    { engineRows, engineRepeats };
enginesBench.SetAction(async (result, cancellationToken) =>
    await Run(() => EngineBenchmark.RunAsync(result.GetValue(engineRows), result.GetValue(engineRepeats), cancellationToken)));
root.Subcommands.Add(new Command("bench", "Benchmarks against a running Tessera (warehouse and engines: the reporting engine in-process)")
    { stockPage, importBench, searchBench, movementsBench, financeBench, flowBench, warehouseBench, enginesBench });

// orders import
var importFile = new Argument<FileInfo>("file") { Description = "The CSV file (docs/import.md)" };
var noWait = new Option<bool>("--no-wait") { Description = "Upload and return; do not follow the import" };
var report = new Option<FileInfo?>("--report") { Description = "Write every rejected row with its reason to this CSV file" };
var importCommand = new Command("import", "Import orders from a CSV file, with progress and a report of rejected rows") { importFile, noWait, report };
importCommand.SetAction(async (result, cancellationToken) =>
{
    using var api = Api(result);
    return await Run(() => OrdersCommands.ImportAsync(api, result.GetValue(importFile)!, !result.GetValue(noWait), result.GetValue(report), cancellationToken));
});
root.Subcommands.Add(new Command("orders", "Orders") { importCommand });

// keys status|rotate
var keysStatus = new Command("status", "Which key versions protect how many orders");
keysStatus.SetAction(async (result, cancellationToken) =>
{
    using var api = Api(result);
    return await Run(() => KeysCommands.StatusAsync(api, cancellationToken));
});
var keysRotate = new Command("rotate", "Make a new key current for customers' personal data; older orders are re-encrypted in the background");
keysRotate.SetAction(async (result, cancellationToken) =>
{
    using var api = Api(result);
    return await Run(() => KeysCommands.RotateAsync(api, cancellationToken));
});
root.Subcommands.Add(new Command("keys", "Keys protecting personal data (operators)") { keysStatus, keysRotate });

// backup <folder>, restore <folder> --data <dir>
var backupFolder = new Argument<string>("folder") { Description = "A new or empty folder on the machine Tessera runs on" };
var backup = new Command("backup", "Take an online backup of every service's database and the keys while Tessera serves (operators)") { backupFolder };
backup.SetAction(async (result, cancellationToken) =>
{
    using var api = Api(result);
    return await Run(() => BackupCommands.BackupAsync(api, result.GetValue(backupFolder)!, cancellationToken));
});
root.Subcommands.Add(backup);
var restoreFolder = new Argument<string>("folder") { Description = "The backup folder (it holds backup.json)" };
var restoreData = new Option<string>("--data") { Description = "The new data folder to lay the backup out in (must be empty)", Required = true };
var restore = new Command("restore", "Lay a backup out as a data folder, checking every file; then start the AppHost with --data on it") { restoreFolder, restoreData };
restore.SetAction(async (result, cancellationToken) =>
    await BackupCommands.RestoreAsync(result.GetValue(restoreFolder)!, result.GetValue(restoreData)!, cancellationToken));
root.Subcommands.Add(restore);

// upgrade --from <build folder> --data <dir>
var upgradeFrom = new Option<string>("--from") { Description = "The new build: the output folder of its AppHost (it holds services.manifest), or a copy", Required = true };
var upgradeData = new Option<string>("--data") { Description = "The data folder of the running AppHost", DefaultValueFactory = _ => "./data" };
var upgradeTimeout = new Option<int>("--timeout") { Description = "Minutes to wait for the whole upgrade", DefaultValueFactory = _ => 15 };
var upgrade = new Command("upgrade", "Replace every running service with the new build, one at a time, without stopping the system (operators)")
{
    upgradeFrom, upgradeData, upgradeTimeout,
};
upgrade.SetAction(async (result, cancellationToken) => await UpgradeCommand.RunAsync(
    result.GetValue(upgradeFrom)!, result.GetValue(upgradeData)!, TimeSpan.FromMinutes(result.GetValue(upgradeTimeout)), cancellationToken));
root.Subcommands.Add(upgrade);

// check
var check = new Command("check", "Check the invariants every service keeps (on-hand = ledger, received = purchase-in, one shipment per order line set…)");
check.SetAction(async (result, cancellationToken) =>
{
    using var api = Api(result);
    return await Run(() => CheckCommand.RunAsync(api, cancellationToken));
});
root.Subcommands.Add(check);

return await root.Parse(args).InvokeAsync();

static async Task<int> Run(Func<Task<int>> action)
{
    try
    {
        return await action();
    }
    catch (ApiException ex)
    {
        AnsiConsole.MarkupLine($"[red]{Markup.Escape(ex.Message)}[/]");
        return 1;
    }
    catch (HttpRequestException ex)
    {
        AnsiConsole.MarkupLine($"[red]Cannot reach Tessera: {Markup.Escape(ex.Message)}[/] Is it running? (dotnet run --project src/Tessera.AppHost)");
        return 1;
    }
}
