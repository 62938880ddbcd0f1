using System.Net;
using System.Text.Json;
using System.Text.RegularExpressions;

namespace Tessera.System.Tests.Security;

/// <summary>
/// The identifiers of tenant A's records, found the way a client finds them: the Location of everything the workload
/// created, and the items of every list operation. A path parameter is then filled with a real identifier of the
/// collection it names — "/api/x/things/{id}/ship" takes an id from "/api/x/things"; "{supplierId}" or "{warehouse}"
/// one from the service's "suppliers" or "warehouses" — so that the matrix can ask tenant B for tenant A's records.
/// </summary>
public sealed partial class TenantResources
{
    private static readonly string[] KeyProperties = ["id", "code", "sku", "name", "number"];

    private readonly RouteCatalog _catalog;
    private readonly Dictionary<string, List<string>> _located = new(StringComparer.OrdinalIgnoreCase);
    private readonly Dictionary<string, List<JsonElement>> _listed = new(StringComparer.OrdinalIgnoreCase);

    /// <summary>
    /// Collections whose records are named like another collection's: an ADS model a tenant adds is also its metric of
    /// that name, so "/metrics/{name}" is filled with the name of tenant A's own model rather than a shipped metric
    /// every tenant has.
    /// </summary>
    private static readonly Dictionary<string, string> NamedLike = new(StringComparer.OrdinalIgnoreCase)
    {
        ["/api/reporting/metrics"] = "/api/reporting/models",
    };

    private TenantResources(RouteCatalog catalog) => _catalog = catalog;

    /// <summary>Every identifier of tenant A that was found, to be looked for in tenant B's answers.</summary>
    public IEnumerable<string> AllIdentifiers =>
        _located.Values.SelectMany(ids => ids)
            .Concat(_listed.Values.SelectMany(items => items).SelectMany(item => KeyProperties.Where(p => p != "name")
                .Select(p => item.TryGetProperty(p, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null)))
            .OfType<string>().Where(id => id.Length >= 8).Distinct();

    public static async Task<TenantResources> HarvestAsync(RouteCatalog catalog, HttpClient tenantA, IEnumerable<RecordedCall> calls)
    {
        var resources = new TenantResources(catalog);
        foreach (var location in calls.Select(c => c.Location).OfType<string>().Where(l => !l.Contains('?', StringComparison.Ordinal)))
        {
            var path = location.TrimEnd('/');
            var slash = path.LastIndexOf('/');
            if (slash > 0 && path.StartsWith("/api/", StringComparison.Ordinal))
                resources.Located(path[..slash]).Add(Uri.UnescapeDataString(path[(slash + 1)..]));
        }
        foreach (var list in catalog.Operations.Where(o => o is { Method: "GET" } && !o.PathParameters.Any() && !o.Parameters.Any(p => p.Required)))
        {
            var response = await tenantA.GetAsync(list.Path);
            if (response.StatusCode != HttpStatusCode.OK || response.Content.Headers.ContentType?.MediaType != "application/json")
                continue;
            var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.Clone();
            var items = body.ValueKind == JsonValueKind.Array ? body
                : body.ValueKind == JsonValueKind.Object && body.TryGetProperty("items", out var paged) && paged.ValueKind == JsonValueKind.Array ? paged
                : default;
            if (items.ValueKind == JsonValueKind.Array)
                resources._listed[list.Path] = items.EnumerateArray().Where(i => i.ValueKind == JsonValueKind.Object).ToList();
        }
        return resources;
    }

    private List<string> Located(string collection)
    {
        if (!_located.TryGetValue(collection, out var ids))
            _located[collection] = ids = [];
        return ids;
    }

    /// <summary>The operation's path with tenant A's identifiers in it, or null when some parameter names nothing tenant A has.</summary>
    public string? Fill(ApiOperation operation)
    {
        var filled = operation.Path;
        foreach (var parameter in operation.PathParameters)
        {
            var marker = ApiOperation.PathParameter().Matches(filled).First(m => m.Groups[1].Value == parameter.Name);
            var collection = filled[..(marker.Index - 1)];
            var value = Resolve(operation.Service, collection, parameter.Name, depth: 0);
            if (value is null)
                return null;
            filled = filled[..marker.Index] + Uri.EscapeDataString(value) + filled[(marker.Index + marker.Length)..];
        }
        return filled;
    }

    /// <summary>The route that reads one record of the collection ("/things/{id}"), if there is one, with its parameter's name.</summary>
    public (ApiOperation Operation, string Parameter)? ItemRoute(string collection)
    {
        foreach (var operation in _catalog.Operations.Where(o => o.Method == "GET"))
        {
            if (!operation.Path.StartsWith(collection + "/", StringComparison.OrdinalIgnoreCase))
                continue;
            var rest = operation.Path[(collection.Length + 1)..];
            if (ApiOperation.PathParameter().Match(rest) is { Success: true } match && match.Length == rest.Length)
                return (operation, match.Groups[1].Value);
        }
        return null;
    }

    private string? Resolve(string service, string collection, string parameter, int depth)
    {
        var itemParameter = ItemRoute(collection)?.Parameter ?? parameter;
        if (NamedLike.TryGetValue(collection, out var like) && _located.TryGetValue(like, out var named) && named.Count > 0)
            return named[0];
        if (_located.TryGetValue(collection, out var ids) && ids.Count > 0)
            return ids[0];
        if (_listed.TryGetValue(collection, out var items))
            foreach (var name in new[] { itemParameter, parameter }.Concat(KeyProperties).Distinct(StringComparer.OrdinalIgnoreCase))
                foreach (var item in items)
                    if (item.EnumerateObject().FirstOrDefault(p => p.Name.Equals(name, StringComparison.OrdinalIgnoreCase)) is { Value.ValueKind: JsonValueKind.String or JsonValueKind.Number } found)
                        return found.Value.ToString();
        if (depth > 0)
            return null;

        // "{supplierId}", "{carrierCode}", "{warehouse}": the service's collection of suppliers, carriers, warehouses.
        var noun = NounSuffix().Replace(parameter, "");
        if (noun.Length == 0 || noun.Equals(parameter, StringComparison.Ordinal) && collection.EndsWith("/" + noun + "s", StringComparison.OrdinalIgnoreCase))
            return null;
        var prefix = $"/api/{service}/";
        var candidates = _located.Keys.Concat(_listed.Keys)
            .Where(c => c.StartsWith(prefix, StringComparison.OrdinalIgnoreCase)
                        && (c.EndsWith("/" + noun + "s", StringComparison.OrdinalIgnoreCase) || c.EndsWith("/" + noun + "es", StringComparison.OrdinalIgnoreCase)))
            .Distinct(StringComparer.OrdinalIgnoreCase);
        return candidates.Select(c => Resolve(service, c, ItemRoute(c)?.Parameter ?? "id", depth + 1)).FirstOrDefault(v => v is not null);
    }

    [GeneratedRegex("(Id|Code|Number|Sku)$")]
    private static partial Regex NounSuffix();
}
