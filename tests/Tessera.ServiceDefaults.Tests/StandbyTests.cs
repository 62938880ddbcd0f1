using System.Text.Json;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Tessera.ServiceDefaults.Hosting;
using Tessera.Testing;

namespace Tessera.ServiceDefaults.Tests;

/// <summary>
/// A new build started beside the running one in a rolling upgrade does no background work until run/services.json makes
/// it its service's address (docs/adr/0030); every other process is active from its start. A process the file stops
/// listing is retired: its event reading ends before it is drained.
/// </summary>
public sealed class StandbyTests : IDisposable
{
    private const string Old = "http://127.0.0.1:5100";
    private const string New = "http://127.0.0.1:5101";
    private readonly TempDirectory _data = new("tessera-standby");
    private readonly List<ServiceProvider> _providers = [];

    private string ServicesFile => Path.Combine(_data.Path, "services.json");

    [Fact]
    public async Task A_new_build_in_standby_becomes_active_only_when_the_services_file_makes_it_the_address_of_its_service()
    {
        WriteServices($"{Old}", generation: 1);
        var standby = Start(standby: true);
        standby.IsActive.ShouldBeFalse();
        var active = standby.UntilActiveAsync(CancellationToken.None);

        // The warm-up: the gateway balances both, but the old process is still the service's address.
        WriteServices($"{Old};{New}", generation: 2);
        await Task.Delay(TimeSpan.FromSeconds(1));
        (standby.IsActive, active.IsCompleted).ShouldBe((false, false));

        WriteServices(New, generation: 3);
        (await active.WaitAsync(TimeSpan.FromSeconds(20))).ShouldBeTrue();
        standby.IsActive.ShouldBeTrue();

        // Once active it stays so, whatever the file says next.
        WriteServices(Old, generation: 4);
        await Task.Delay(TimeSpan.FromSeconds(1));
        standby.IsActive.ShouldBeTrue();
    }

    [Fact]
    public async Task A_process_started_in_standby_where_the_services_file_already_names_it_is_active_at_once()
    {
        // A new build that crashed after its upgrade is restarted with the same settings and the same address.
        WriteServices(New, generation: 7);
        var standby = Start(standby: true);

        standby.IsActive.ShouldBeTrue();
        (await standby.UntilActiveAsync(CancellationToken.None)).ShouldBeTrue();
    }

    [Fact]
    public async Task Every_other_process_is_active_from_its_start()
    {
        WriteServices(Old, generation: 1);

        var normal = Start(standby: false);

        normal.IsActive.ShouldBeTrue();
        (await normal.UntilActiveAsync(CancellationToken.None)).ShouldBeTrue();
    }

    [Fact]
    public async Task A_process_stopped_while_in_standby_ends_its_wait_without_becoming_active()
    {
        WriteServices(Old, generation: 1);
        var standby = Start(standby: true);
        using var stopping = new CancellationTokenSource();

        var wait = standby.UntilActiveAsync(stopping.Token);
        await stopping.CancelAsync();

        (await wait.WaitAsync(TimeSpan.FromSeconds(5))).ShouldBeFalse();
        standby.IsActive.ShouldBeFalse();
    }

    [Fact]
    public async Task A_process_whose_address_the_services_file_stops_listing_is_retired_but_not_one_it_never_listed()
    {
        const string Next = "http://127.0.0.1:5102";
        // A file left by an earlier run names other addresses until the AppHost writes this run's.
        WriteServices(Old, generation: 1);
        var current = Start(standby: false);
        current.IsActive.ShouldBeTrue();
        await Task.Delay(TimeSpan.FromSeconds(1));
        current.Retired.IsCancellationRequested.ShouldBeFalse("it was never listed");

        WriteServices(New, generation: 2);
        // Its own replacement's warm-up lists it still, first.
        WriteServices($"{New};{Next}", generation: 3);
        await Task.Delay(TimeSpan.FromSeconds(1));
        current.Retired.IsCancellationRequested.ShouldBeFalse("it is still listed");

        // The switch: the new build alone.
        var retired = new TaskCompletionSource();
        current.Retired.Register(() => retired.TrySetResult());
        WriteServices(Next, generation: 4);
        await retired.Task.WaitAsync(TimeSpan.FromSeconds(20));
        current.IsActive.ShouldBeTrue("it still serves its requests while it drains");
    }

    private Standby Start(bool standby)
    {
        var configuration = new ConfigurationBuilder()
            .AddInMemoryCollection(new Dictionary<string, string?>
            {
                ["urls"] = New,
                ["Tessera:Standby"] = standby ? "true" : "false",
                ["Tessera:ServicesFile"] = ServicesFile,
            })
            .AddJsonFile(ServicesFile, optional: true, reloadOnChange: true)
            .Build();
        var services = new ServiceCollection().AddLogging().AddSingleton<IConfiguration>(configuration);
        services.Configure<TesseraOptions>(configuration.GetSection(TesseraOptions.Section));
        services.PostConfigure<TesseraOptions>(o => o.ServiceName = "orders");
        services.AddSingleton<Standby>();
        var provider = services.BuildServiceProvider();
        _providers.Add(provider);
        return provider.GetRequiredService<Standby>();
    }

    /// <summary>What the AppHost writes: a whole new file moved into place.</summary>
    private void WriteServices(string orders, long generation)
    {
        var next = ServicesFile + ".next";
        File.WriteAllText(next, JsonSerializer.Serialize(new
        {
            Tessera = new { Services = new Dictionary<string, string> { ["orders"] = orders, ["catalog"] = "http://127.0.0.1:5200" }, ServicesGeneration = generation },
        }));
        File.Move(next, ServicesFile, overwrite: true);
    }

    public void Dispose()
    {
        foreach (var provider in _providers)
            provider.Dispose();
        _data.Dispose();
    }
}
