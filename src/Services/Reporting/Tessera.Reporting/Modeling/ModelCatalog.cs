using System.Collections.Concurrent;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Tessera.Reporting.Data;
using Tessera.ServiceDefaults.Tenancy;

namespace Tessera.Reporting.Modeling;

/// <summary>
/// The shipped models — the .sql files under Models/, read and checked when the service starts (a file that cannot be
/// used stops the start, naming the file and line) — and, per tenant, the DAG of those and the tenant's own models.
/// </summary>
public sealed class ModelCatalog
{
    public const string TestsFolder = "tests";

    private readonly IServiceScopeFactory _scopes;
    private readonly ConcurrentDictionary<string, ModelGraph> _graphs = new(StringComparer.Ordinal);

    public ModelCatalog(IOptions<ReportingOptions> options, IServiceScopeFactory scopes, ILogger<ModelCatalog> logger)
    {
        _scopes = scopes;
        Directory = options.Value.ResolveModelsDirectory();
        (Shipped, CustomTests) = Load(Directory);
        // Checked now, so that a broken file stops the start rather than the first run.
        ShippedGraph = ModelGraph.Build(Shipped);
        logger.LogInformation("Loaded {Count} models and {Tests} custom tests from {Directory}", Shipped.Count, CustomTests.Sum(t => t.Value.Count), Directory);
    }

    public string Directory { get; }

    public IReadOnlyList<ModelDefinition> Shipped { get; }

    public ModelGraph ShippedGraph { get; }

    /// <summary>Custom SQL tests (files under Models/tests), by the model they test.</summary>
    public IReadOnlyDictionary<string, List<ModelTest>> CustomTests { get; }

    public async Task<ModelGraph> GraphAsync(string tenant, CancellationToken cancellationToken)
    {
        if (_graphs.TryGetValue(tenant, out var graph))
            return graph;
        await using var scope = _scopes.CreateAsyncScope();
        scope.ServiceProvider.GetRequiredService<TenantContext>().Set(tenant);
        var db = scope.ServiceProvider.GetRequiredService<ReportingDbContext>();
        var own = await db.TenantModels.AsNoTracking().ToListAsync(cancellationToken);
        return _graphs[tenant] = With(own.Select(m => Parse(m.Name, m.Sql)));
    }

    public void Forget(string tenant) => _graphs.TryRemove(tenant, out _);

    /// <summary>The shipped models plus <paramref name="own"/>; throws a <see cref="ModelException"/> naming what is wrong.</summary>
    public ModelGraph With(IEnumerable<ModelDefinition> own) => ModelGraph.Build(Shipped.Concat(own));

    public static ModelDefinition Parse(string name, string sql) =>
        ModelParser.Parse(sql, $"model {name}", name, ModelDefinition.TenantOwned, null);

    private static (List<ModelDefinition>, Dictionary<string, List<ModelTest>>) Load(string directory)
    {
        if (!System.IO.Directory.Exists(directory))
            throw new ModelException(directory, null, "the models folder does not exist.");
        var models = new List<ModelDefinition>();
        var tests = new Dictionary<string, List<ModelTest>>(StringComparer.Ordinal);
        foreach (var file in System.IO.Directory.EnumerateFiles(directory, "*.sql", SearchOption.AllDirectories).Order(StringComparer.Ordinal))
        {
            var relative = Path.GetRelativePath(directory, file).Replace('\\', '/');
            var text = File.ReadAllText(file);
            var name = Path.GetFileNameWithoutExtension(file);
            if (relative.StartsWith(TestsFolder + "/", StringComparison.Ordinal))
            {
                var (model, test) = ModelParser.ParseCustomTest(text, "Models/" + relative, name);
                (tests.TryGetValue(model, out var list) ? list : tests[model] = []).Add(test);
                continue;
            }
            models.Add(ModelParser.Parse(text, "Models/" + relative, name, ModelDefinition.Shipped, "Models/" + relative));
        }
        foreach (var (model, list) in tests)
        {
            var index = models.FindIndex(m => m.Name == model);
            if (index < 0)
                throw new ModelException($"Models/{TestsFolder}", null, $"a custom test names model '{model}', which does not exist.");
            models[index] = models[index] with { Tests = [.. models[index].Tests, .. list] };
        }
        return (models, tests);
    }
}
