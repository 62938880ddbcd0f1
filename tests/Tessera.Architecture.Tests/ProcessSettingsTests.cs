using System.Globalization;
using System.Text.Json;
using Tessera.ServiceDefaults.Hosting;

namespace Tessera.Architecture.Tests;

/// <summary>
/// The settings every service process runs with (Directory.Build.targets, docs/adr/0013), read from the runtime
/// configuration its build writes: a project that left the shared build settings would lose them silently.
/// </summary>
public sealed class ProcessSettingsTests
{
    public static TheoryData<string> Processes() =>
        new(ServiceCatalog.Names.Select(n => CultureInfo.InvariantCulture.TextInfo.ToTitleCase(n)).Append("Web"));

    [Theory]
    [MemberData(nameof(Processes))]
    public void Every_service_process_shares_the_cores_and_runs_optimised_code_from_its_first_call(string process)
    {
        var file = Path.Combine(AppContext.BaseDirectory, $"Tessera.{process}.runtimeconfig.json");
        using var config = JsonDocument.Parse(File.ReadAllText(file));
        var properties = config.RootElement.GetProperty("runtimeOptions").GetProperty("configProperties");

        properties.GetProperty("System.GC.Server").GetBoolean().ShouldBeFalse();
        properties.GetProperty("System.Threading.ThreadPool.UnfairSemaphoreSpinLimit").GetInt32().ShouldBe(0);
        properties.GetProperty("System.Runtime.TieredCompilation.QuickJit").GetBoolean().ShouldBeFalse();
    }
}
