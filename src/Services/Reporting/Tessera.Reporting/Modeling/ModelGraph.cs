using Tessera.Reporting.Warehouse;

namespace Tessera.Reporting.Modeling;

/// <summary>
/// The DAG of a tenant's models (shipped and its own): edges from each ref to the model that reads it. Every ref must
/// be a model or an ODS source, and a cycle is refused naming it (a → b → a).
/// </summary>
public sealed class ModelGraph
{
    private readonly Dictionary<string, List<string>> _downstream;

    private ModelGraph(Dictionary<string, ModelDefinition> models, List<string> order, Dictionary<string, List<string>> downstream)
    {
        Models = models;
        Order = order;
        _downstream = downstream;
    }

    public IReadOnlyDictionary<string, ModelDefinition> Models { get; }

    /// <summary>Models in an order where every model comes after the models it refs.</summary>
    public IReadOnlyList<string> Order { get; }

    public ModelDefinition this[string name] => Models[name];

    public bool Contains(string name) => Models.ContainsKey(name);

    /// <summary>The models a model refs (ODS sources left out).</summary>
    public IReadOnlyList<string> Upstream(string name) => Models[name].Refs.Where(Models.ContainsKey).ToList();

    /// <summary>The models that ref this one directly.</summary>
    public IReadOnlyList<string> DirectDownstream(string name) => _downstream.GetValueOrDefault(name) ?? [];

    /// <summary>Every model downstream of <paramref name="names"/>, transitively, with them, in DAG order.</summary>
    public IReadOnlyList<string> WithDownstream(IEnumerable<string> names)
    {
        var selected = new HashSet<string>(names);
        var queue = new Queue<string>(selected);
        while (queue.TryDequeue(out var name))
            foreach (var next in DirectDownstream(name))
                if (selected.Add(next))
                    queue.Enqueue(next);
        return Order.Where(selected.Contains).ToList();
    }

    /// <summary>How many layers of models lie under a model (0 for one that reads only the ODS).</summary>
    public int Depth(string name)
    {
        var depth = 0;
        foreach (var upstream in Upstream(name))
            depth = Math.Max(depth, Depth(upstream) + 1);
        return depth;
    }

    public static ModelGraph Build(IEnumerable<ModelDefinition> definitions)
    {
        var models = new Dictionary<string, ModelDefinition>(StringComparer.Ordinal);
        foreach (var model in definitions)
        {
            if (WarehouseSchema.Sources.Contains(model.Name) || model.Name.StartsWith('_'))
                throw new ModelException(Where(model), null, $"'{model.Name}' is the name of an ODS table of the warehouse; choose another.");
            if (!models.TryAdd(model.Name, model))
                throw new ModelException(Where(model), null, $"a model named '{model.Name}' exists already ({Where(models[model.Name])}).");
        }
        foreach (var model in models.Values)
            foreach (var reference in model.Refs.Where(r => !models.ContainsKey(r) && !WarehouseSchema.Sources.Contains(r)))
                throw new ModelException(Where(model), null,
                    $"{{{{ ref('{reference}') }}}} names no model and no ODS source ({string.Join(", ", WarehouseSchema.Sources)}).");

        var order = new List<string>();
        var state = new Dictionary<string, int>(StringComparer.Ordinal); // 1 visiting, 2 done
        var path = new List<string>();
        void Visit(string name)
        {
            switch (state.GetValueOrDefault(name))
            {
                case 2:
                    return;
                case 1:
                    var cycle = path.Skip(path.IndexOf(name)).Append(name);
                    throw new ModelException(Where(models[name]), null, $"the models form a cycle: {string.Join(" → ", cycle)}.");
            }
            state[name] = 1;
            path.Add(name);
            foreach (var upstream in models[name].Refs.Where(models.ContainsKey).Order(StringComparer.Ordinal))
                Visit(upstream);
            path.RemoveAt(path.Count - 1);
            state[name] = 2;
            order.Add(name);
        }
        foreach (var name in models.Keys.Order(StringComparer.Ordinal))
            Visit(name);

        var downstream = new Dictionary<string, List<string>>(StringComparer.Ordinal);
        foreach (var model in order.Select(n => models[n]))
            foreach (var upstream in model.Refs.Where(models.ContainsKey))
                (downstream.TryGetValue(upstream, out var list) ? list : downstream[upstream] = []).Add(model.Name);
        return new ModelGraph(models, order, downstream);
    }

    private static string Where(ModelDefinition model) => model.File ?? $"model {model.Name}";
}
