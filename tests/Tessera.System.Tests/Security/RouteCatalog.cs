using System.Text.Json;
using System.Text.RegularExpressions;
using Tessera.ServiceDefaults.Hosting;
using Tessera.Testing;

namespace Tessera.System.Tests.Security;

public sealed record ApiParameter(string Name, string In, string? Type, string? Format, bool Required);

/// <summary>Who may call an operation: anonymous, or holding one role of every group (none: any signed-in user).</summary>
public sealed record ApiAccess(bool Anonymous, IReadOnlyList<IReadOnlyList<string>> RoleGroups)
{
    public bool Allows(IReadOnlyCollection<string> roles) => Anonymous || RoleGroups.All(group => group.Any(roles.Contains));

    public override string ToString() =>
        Anonymous ? "anonymous" : RoleGroups.Count == 0 ? "any signed-in user" : string.Join(" and ", RoleGroups.Select(g => string.Join("|", g)));
}

/// <summary>A request body as documented: its media type, its schema (references resolved) and the properties the handler binds.</summary>
public sealed record ApiBody(string ContentType, JsonElement? Schema, IReadOnlyList<string>? Binds, string? BindsType);

/// <summary>One operation of one service's OpenAPI document, as the public port offers it.</summary>
public sealed partial record ApiOperation(
    string Service, string Method, string Path, IReadOnlyList<ApiParameter> Parameters, ApiBody? Body, ApiAccess? Access, OpenApiDocument Document)
{
    public string Key => $"{Method} {Path}";

    public IEnumerable<ApiParameter> PathParameters => Parameters.Where(p => p.In == "path");

    public bool HasJsonBody => Body is { ContentType: "application/json" };

    /// <summary>The path with every parameter filled in.</summary>
    public string Fill(Func<ApiParameter, string> value) =>
        PathParameter().Replace(Path, m => Uri.EscapeDataString(value(PathParameters.Single(p => p.Name == m.Groups[1].Value))));

    public override string ToString() => Key;

    [GeneratedRegex(@"\{([^}:]+)(?::[^}]*)?\}")]
    public static partial Regex PathParameter();
}

public sealed class OpenApiDocument(string service, JsonElement root)
{
    public string Service => service;
    public JsonElement Root => root;

    /// <summary>A schema with its $ref followed and a nullable "oneOf" [null, X] reduced to X, as often as it takes.</summary>
    public JsonElement Resolve(JsonElement schema)
    {
        while (true)
        {
            if (schema.ValueKind == JsonValueKind.Object && schema.TryGetProperty("$ref", out var reference))
                schema = root.GetProperty("components").GetProperty("schemas").GetProperty(reference.GetString()!.Split('/').Last());
            else if (NonNullChoice(schema) is { } choice)
                schema = choice;
            else
                return schema;
        }
    }

    public string? ReferenceOf(JsonElement schema) =>
        schema.ValueKind == JsonValueKind.Object && schema.TryGetProperty("$ref", out var reference) ? reference.GetString()!.Split('/').Last()
        : NonNullChoice(schema) is { } choice ? ReferenceOf(choice)
        : null;

    private static JsonElement? NonNullChoice(JsonElement schema)
    {
        if (schema.ValueKind != JsonValueKind.Object)
            return null;
        foreach (var keyword in new[] { "oneOf", "anyOf" })
            if (schema.TryGetProperty(keyword, out var choices))
            {
                var others = choices.EnumerateArray().Where(c => RouteCatalog.TypeOf(c) != "null").ToList();
                if (others.Count == 1)
                    return others[0];
            }
        return null;
    }
}

/// <summary>
/// Every operation under /api/ of every service's OpenAPI document, read from the running services at test time: the
/// services of <see cref="ServiceCatalog"/> and the web front-end. A service added to the catalogue is covered with no
/// edit here.
/// </summary>
public sealed class RouteCatalog
{
    /// <summary>Operations anyone may call, each with the reason; any other anonymous operation fails the matrix.</summary>
    public static readonly IReadOnlyDictionary<string, string> Public = new Dictionary<string, string>
    {
        ["POST /api/auth/token"] = "the password grant: the tenant, username and password in the body are the credential",
        ["POST /api/auth/refresh"] = "the refresh token in the body is the credential",
    };

    public IReadOnlyList<OpenApiDocument> Documents { get; }
    public IReadOnlyList<ApiOperation> Operations { get; }

    private RouteCatalog(IReadOnlyList<OpenApiDocument> documents, IReadOnlyList<ApiOperation> operations)
    {
        Documents = documents;
        Operations = operations;
    }

    public static async Task<RouteCatalog> LoadAsync(RunningSystem system)
    {
        var status = await system.StatusAsync() ?? throw new InvalidOperationException("The AppHost wrote no status file.");
        var expected = ServiceCatalog.Names.Append("web").ToList();
        var missing = expected.Except(status.Services.Select(s => s.Name)).ToList();
        if (missing.Count > 0)
            throw new InvalidOperationException($"The AppHost does not run {string.Join(", ", missing)}, which the service catalogue lists.");

        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(30) };
        var documents = new List<OpenApiDocument>();
        foreach (var service in expected)
        {
            var url = status.Services.Single(s => s.Name == service).Url.TrimEnd('/');
            documents.Add(new OpenApiDocument(service, JsonDocument.Parse(await http.GetStringAsync($"{url}/openapi/v1.json")).RootElement.Clone()));
        }
        var operations = documents.SelectMany(Read).OrderBy(o => o.Service).ThenBy(o => o.Path).ThenBy(o => o.Method).ToList();
        return new RouteCatalog(documents, operations);
    }

    private static IEnumerable<ApiOperation> Read(OpenApiDocument document)
    {
        foreach (var path in document.Root.GetProperty("paths").EnumerateObject().Where(p => p.Name.StartsWith("/api/", StringComparison.Ordinal)))
        {
            var shared = path.Value.TryGetProperty("parameters", out var common) ? common.EnumerateArray().ToList() : [];
            foreach (var operation in path.Value.EnumerateObject().Where(o => o.Name is "get" or "post" or "put" or "patch" or "delete"))
            {
                var parameters = shared.Concat(operation.Value.TryGetProperty("parameters", out var own) ? own.EnumerateArray() : [])
                    .Select(p => Parameter(document, p)).ToList();
                yield return new ApiOperation(document.Service, operation.Name.ToUpperInvariant(), path.Name, parameters,
                    Body(document, operation.Value), Access(operation.Value), document);
            }
        }
    }

    private static ApiParameter Parameter(OpenApiDocument document, JsonElement parameter)
    {
        var schema = parameter.TryGetProperty("schema", out var s) ? document.Resolve(s) : default;
        return new ApiParameter(parameter.GetProperty("name").GetString()!, parameter.GetProperty("in").GetString()!, TypeOf(schema),
            schema.ValueKind == JsonValueKind.Object && schema.TryGetProperty("format", out var format) ? format.GetString() : null,
            parameter.TryGetProperty("required", out var required) && required.GetBoolean());
    }

    /// <summary>The JSON type of a schema ("string", "integer"…), ignoring "null" in a type list.</summary>
    public static string? TypeOf(JsonElement schema)
    {
        if (schema.ValueKind != JsonValueKind.Object || !schema.TryGetProperty("type", out var type))
            return null;
        return type.ValueKind == JsonValueKind.Array
            ? type.EnumerateArray().Select(t => t.GetString()).FirstOrDefault(t => t != "null")
            : type.GetString();
    }

    private static ApiBody? Body(OpenApiDocument document, JsonElement operation)
    {
        if (!operation.TryGetProperty("requestBody", out var body) || !body.TryGetProperty("content", out var content))
            return null;
        var media = content.EnumerateObject().FirstOrDefault(c => c.Name == "application/json");
        if (media.Value.ValueKind == JsonValueKind.Undefined)
            media = content.EnumerateObject().First();
        JsonElement? schema = media.Value.TryGetProperty("schema", out var s) ? s : null;
        var binds = operation.TryGetProperty("x-tessera-binds", out var b) ? b : (JsonElement?)null;
        return new ApiBody(media.Name, schema,
            binds?.GetProperty("properties").EnumerateArray().Select(p => p.GetString()!).ToList(),
            binds?.GetProperty("type").GetString());
    }

    private static ApiAccess? Access(JsonElement operation)
    {
        if (!operation.TryGetProperty("x-tessera-access", out var access))
            return null;
        return new ApiAccess(access.GetProperty("anonymous").GetBoolean(),
            access.GetProperty("roles").EnumerateArray().Select(g => (IReadOnlyList<string>)g.EnumerateArray().Select(r => r.GetString()!).ToList()).ToList());
    }
}
