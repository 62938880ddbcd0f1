using System.Globalization;
using System.Reflection;
using System.Xml.Linq;
using Tessera.ServiceDefaults.Hosting;

namespace Tessera.Architecture.Tests;

/// <summary>The blueprint's first rule, checked on the compiled assemblies: a service knows other services only by their contracts.</summary>
public sealed class DependencyRulesTests
{
    private static readonly string[] Services =
        ServiceCatalog.Names.Select(n => CultureInfo.InvariantCulture.TextInfo.ToTitleCase(n)).ToArray();

    /// <summary>Events the blueprint names after the state they report rather than the change.</summary>
    private static readonly string[] StateEvents = ["StockBelowReorderPoint"];

    private static Assembly Load(string name) => Assembly.Load(new AssemblyName(name));

    public static TheoryData<string> ServiceNames() => new(Services);

    public static TheoryData<string> ContractNames() => new(Services);

    [Theory]
    [MemberData(nameof(ServiceNames))]
    public void A_service_references_other_services_only_through_their_contracts(string service)
    {
        var references = Load($"Tessera.{service}").GetReferencedAssemblies().Select(a => a.Name!).ToList();

        var otherServices = references.Where(r => Services.Any(s => s != service && r.StartsWith($"Tessera.{s}", StringComparison.Ordinal)));
        otherServices.ShouldAllBe(r => r.EndsWith(".Contracts", StringComparison.Ordinal));
        references.ShouldNotContain("Tessera.Web");
    }

    [Theory]
    [MemberData(nameof(ContractNames))]
    public void Contracts_depend_on_nothing_but_the_base_library(string service)
    {
        var references = Load($"Tessera.{service}.Contracts").GetReferencedAssemblies().Select(a => a.Name!).ToList();

        references.ShouldAllBe(r => r == "System.Runtime" || r == "netstandard" || r == "System.Private.CoreLib" || r == "System.Collections");
    }

    [Fact]
    public void The_web_front_end_does_not_reference_any_service()
    {
        var references = Load("Tessera.Web").GetReferencedAssemblies().Select(a => a.Name!).ToList();

        references.ShouldNotContain(r => Services.Any(s => r.StartsWith($"Tessera.{s}", StringComparison.Ordinal) && !r.EndsWith(".Contracts", StringComparison.Ordinal)));
    }

    [Theory]
    [MemberData(nameof(ContractNames))]
    public void Contracts_hold_only_records_and_enums(string service)
    {
        var types = Load($"Tessera.{service}.Contracts").GetExportedTypes();

        types.ShouldNotBeEmpty();
        types.ShouldAllBe(t => t.IsEnum || (t.IsClass && t.IsSealed && t.GetMethod("<Clone>$") != null));
    }

    [Theory]
    [MemberData(nameof(ContractNames))]
    public void Event_names_are_in_the_past_tense(string service)
    {
        var events = Load($"Tessera.{service}.Contracts").GetExportedTypes()
            .Where(t => !t.IsEnum && !t.Name.EndsWith("Dto", StringComparison.Ordinal) && !t.Name.EndsWith("Line", StringComparison.Ordinal));

        events.ShouldAllBe(t => t.Name.EndsWith("ed", StringComparison.Ordinal) || t.Name.EndsWith("Failed", StringComparison.Ordinal)
                                || StateEvents.Contains(t.Name));
    }

    [Fact]
    public void The_AppHost_starts_exactly_the_services_of_the_catalog_and_the_web_front_end()
    {
        var root = new DirectoryInfo(AppContext.BaseDirectory);
        while (!File.Exists(Path.Combine(root.FullName, "Tessera.slnx")))
            root = root.Parent ?? throw new InvalidOperationException("Tessera.slnx not found above the test folder.");
        var project = XDocument.Load(Path.Combine(root.FullName, "src", "Tessera.AppHost", "Tessera.AppHost.csproj"));

        var started = project.Descendants("ProjectReference").Select(r => (string?)r.Attribute("ServiceName")).OfType<string>();

        started.ShouldBe([.. ServiceCatalog.Names, "web"], ignoreOrder: true);
    }
}
