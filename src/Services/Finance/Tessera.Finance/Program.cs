using Tessera.Finance;
using Tessera.Finance.Bench;
using Tessera.Finance.Data;
using Tessera.Messaging;
using Tessera.ServiceDefaults;
using Tessera.ServiceDefaults.Data;

// Benchmark only (docs/benchmarks.md): feed the inbox an order flow at a rate, measure the lag, then stop.
var benchFlow = args is [FlowBench.Verb, ..];
var builder = WebApplication.CreateBuilder(benchFlow ? [] : args);
if (benchFlow)
    builder.Configuration.AddInMemoryCollection([new("Tessera:Messaging:SubscriptionsEnabled", "false"), new("Urls", "http://127.0.0.1:0")]);
builder.AddServiceDefaults("finance");
builder.AddFinance();

var app = builder.Build();
app.UseServiceDefaults();
app.MapDefaultEndpoints();
app.MapMessaging<FinanceDbContext>("/api/finance");
app.MapFinanceApi();

await app.MigrateDatabaseAsync<FinanceDbContext>();
if (benchFlow)
    return await FlowBench.RunAsync(app, args);
await app.RunAsync();
return 0;

public partial class Program;
