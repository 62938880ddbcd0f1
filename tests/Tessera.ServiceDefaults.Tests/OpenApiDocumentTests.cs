using System.Text.Json;

namespace Tessera.ServiceDefaults.Tests;

/// <summary>
/// The OpenAPI document describes each body by its own schema (two records both named "Request" used to share one),
/// with JSON types as the service reads them, and says who may call each operation.
/// </summary>
public sealed class OpenApiDocumentTests(ProbeHost host) : IClassFixture<ProbeHost>
{
    private async Task<JsonElement> DocumentAsync() =>
        JsonDocument.Parse(await host.Client.GetStringAsync("/openapi/v1.json")).RootElement;

    private static JsonElement Operation(JsonElement document, string path, string method) =>
        document.GetProperty("paths").GetProperty(path).GetProperty(method);

    private static JsonElement RequestSchema(JsonElement document, JsonElement operation)
    {
        var reference = operation.GetProperty("requestBody").GetProperty("content").GetProperty("application/json").GetProperty("schema")
            .GetProperty("$ref").GetString()!;
        return document.GetProperty("components").GetProperty("schemas").GetProperty(reference.Split('/').Last());
    }

    [Fact]
    public async Task Two_request_records_with_the_same_name_get_two_schemas_with_their_own_properties()
    {
        var document = await DocumentAsync();

        var first = RequestSchema(document, Operation(document, "/api/probe/first", "post"));
        var second = RequestSchema(document, Operation(document, "/api/probe/second", "post"));

        first.GetProperty("properties").EnumerateObject().Select(p => p.Name).ShouldBe(["code", "limit"]);
        second.GetProperty("properties").EnumerateObject().Select(p => p.Name).ShouldBe(["supplierId", "lines", "note"]);
        document.GetProperty("components").GetProperty("schemas").EnumerateObject().Select(s => s.Name)
            .ShouldContain("Tessera.ServiceDefaults.Tests.FirstFeature.Request");
    }

    [Fact]
    public async Task Every_operation_with_a_body_says_which_properties_its_handler_binds_and_the_schema_has_exactly_those()
    {
        var document = await DocumentAsync();

        foreach (var (path, method) in new[] { ("/api/probe", "post"), ("/api/probe/first", "post"), ("/api/probe/second", "post") })
        {
            var operation = Operation(document, path, method);
            var binds = operation.GetProperty("x-tessera-binds").GetProperty("properties").EnumerateArray().Select(p => p.GetString()!).ToArray();
            RequestSchema(document, operation).GetProperty("properties").EnumerateObject().Select(p => p.Name).ShouldBe(binds, ignoreOrder: true);
        }
    }

    [Fact]
    public async Task Values_the_platform_converts_itself_keep_their_json_types()
    {
        var document = await DocumentAsync();
        var properties = RequestSchema(document, Operation(document, "/api/probe", "post")).GetProperty("properties");

        properties.GetProperty("name").GetProperty("type").GetString().ShouldBe("string");
        properties.GetProperty("amount").GetProperty("type").GetString().ShouldBe("number");
        properties.GetProperty("at").GetProperty("type").GetString().ShouldBe("string");
        properties.GetProperty("at").GetProperty("format").GetString().ShouldBe("date-time");
    }

    [Fact]
    public async Task Each_operation_says_which_roles_may_call_it()
    {
        var document = await DocumentAsync();

        Access(Operation(document, "/api/probe/first", "post")).ShouldBe("roles: admin|purchasing");
        Access(Operation(document, "/api/probe/second", "post")).ShouldBe("roles: admin|sales|warehouse");
        Access(Operation(document, "/api/probe/anyone", "get")).ShouldBe("roles: ");
        Access(Operation(document, "/api/probe", "get")).ShouldBe("anonymous roles: ");
    }

    /// <summary>"roles: a|b; c" — one role of each group is needed.</summary>
    private static string Access(JsonElement operation)
    {
        var access = operation.GetProperty("x-tessera-access");
        var roles = access.GetProperty("roles").EnumerateArray().Select(set => string.Join('|', set.EnumerateArray().Select(r => r.GetString())));
        return (access.GetProperty("anonymous").GetBoolean() ? "anonymous " : "") + "roles: " + string.Join("; ", roles);
    }
}
