using System.Text.Json;
using Tessera.ServiceDefaults.Hosting;
using Xunit.Abstractions;

namespace Tessera.System.Tests.Security;

/// <summary>
/// The OpenAPI documents describe what the services really take: every body's schema has exactly the properties its
/// handler binds, no schema stands for two different types, and every operation says who may call it.
/// </summary>
[Collection(SecurityCollection.Name)]
public sealed class OpenApiContractTests(SecurityFixture fixture, ITestOutputHelper output)
{
    [Fact]
    public void Every_service_of_the_catalogue_publishes_its_operations()
    {
        foreach (var service in ServiceCatalog.Names.Append("web"))
        {
            var count = fixture.Catalog.Operations.Count(o => o.Service == service);
            output.WriteLine($"{service}: {count} operations");
            count.ShouldBeGreaterThan(0, $"{service} documents no operation under /api/");
        }
        output.WriteLine($"{fixture.Catalog.Operations.Count} operations in {fixture.Catalog.Documents.Count} documents");
    }

    [Fact]
    public void Each_operation_s_request_schema_has_exactly_the_properties_its_handler_binds()
    {
        var report = new MatrixReport("request schema = bound properties", output);
        foreach (var operation in fixture.Catalog.Operations)
        {
            if (operation.Access is null)
                report.Fail(operation, "says nothing about who may call it (x-tessera-access)");
            if (!operation.HasJsonBody)
            {
                report.Exempt(operation, operation.Body is null ? "takes no body" : $"takes {operation.Body.ContentType}");
                continue;
            }
            if (operation.Body!.Binds is not { } binds)
            {
                report.Uncovered(operation, "its JSON body does not say what its handler binds (x-tessera-binds)");
                continue;
            }
            var schema = operation.Document.Resolve(operation.Body.Schema!.Value);
            var properties = schema.TryGetProperty("properties", out var p) ? p.EnumerateObject().Select(x => x.Name).ToList() : [];
            if (!properties.ToHashSet().SetEquals(binds))
                report.Fail(operation, $"the schema {operation.Document.ReferenceOf(operation.Body.Schema.Value)} has [{string.Join(", ", properties)}] " +
                                       $"but {operation.Body.BindsType} binds [{string.Join(", ", binds)}]");
            report.Covered(operation);
        }
        report.Conclude(fixture.Catalog.Operations);
    }

    [Fact]
    public void No_schema_stands_for_two_different_request_types()
    {
        var shared = fixture.Catalog.Operations
            .Where(o => o is { HasJsonBody: true, Body.BindsType: not null } && o.Body!.Schema is { } s && o.Document.ReferenceOf(s) is not null)
            .GroupBy(o => (o.Service, Schema: o.Document.ReferenceOf(o.Body!.Schema!.Value)))
            .Where(g => g.Select(o => o.Body!.BindsType).Distinct().Count() > 1)
            .Select(g => $"{g.Key.Service} {g.Key.Schema}: {string.Join(", ", g.Select(o => $"{o.Key} ({o.Body!.BindsType})"))}")
            .ToList();

        shared.ShouldBeEmpty();
        fixture.Catalog.Documents.SelectMany(d => d.Root.GetProperty("components").GetProperty("schemas").EnumerateObject().Select(s => s.Name))
            .Where(name => name is "Request" or "CreateRequest" or "UpdateRequest").ShouldBeEmpty("schemas are named after their full type name");
    }
}
