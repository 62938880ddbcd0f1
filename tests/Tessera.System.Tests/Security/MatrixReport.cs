using Xunit.Abstractions;

namespace Tessera.System.Tests.Security;

/// <summary>
/// What one check of the matrix covered: each operation is either covered (with the number of requests made), exempt
/// with a stated reason, or uncovered — and uncovered fails the test. The summary goes to the test output and to
/// route-matrix.txt next to the test assembly, so CI shows how many operations were covered.
/// </summary>
public sealed class MatrixReport(string check, ITestOutputHelper output)
{
    private readonly Dictionary<string, int> _covered = new();
    private readonly Dictionary<string, string> _exempt = new();
    private readonly Dictionary<string, string> _uncovered = new();
    private readonly List<string> _failures = [];
    private readonly List<string> _notes = [];

    public void Covered(ApiOperation operation, int requests = 1) =>
        _covered[operation.Key] = _covered.GetValueOrDefault(operation.Key) + requests;

    public void Exempt(ApiOperation operation, string reason) => _exempt[operation.Key] = reason;

    public void Uncovered(ApiOperation operation, string why) => _uncovered[operation.Key] = why;

    /// <summary>Something worth knowing about a covered operation, shown in the summary.</summary>
    public void Note(ApiOperation operation, string what) => _notes.Add($"{operation.Key}: {what}");

    public void Fail(ApiOperation operation, string what) => _failures.Add($"{operation.Key}: {what}");

    public void Fail(string what) => _failures.Add(what);

    /// <summary>Writes the summary and fails on any failed expectation or uncovered operation.</summary>
    public void Conclude(IReadOnlyCollection<ApiOperation> operations)
    {
        var lines = new List<string>
        {
            $"{check}: {_covered.Count} of {operations.Count} operations covered with {_covered.Values.Sum()} requests, " +
            $"{_exempt.Count} exempt, {_uncovered.Count} uncovered, {_failures.Count} failed expectations",
        };
        lines.AddRange(_exempt.Select(e => $"  exempt {e.Key}: {e.Value}"));
        lines.AddRange(_notes.Select(n => $"  note {n}"));
        lines.AddRange(_uncovered.Select(u => $"  UNCOVERED {u.Key}: {u.Value}"));
        lines.AddRange(_failures.Select(f => $"  FAILED {f}"));
        foreach (var line in lines)
            output.WriteLine(line);
        lock (typeof(MatrixReport))
            File.AppendAllLines(Path.Combine(AppContext.BaseDirectory, "route-matrix.txt"), lines);

        var missing = operations.Select(o => o.Key).Where(k => !_covered.ContainsKey(k) && !_exempt.ContainsKey(k) && !_uncovered.ContainsKey(k)).ToList();
        missing.ShouldBeEmpty($"{check}: operations the matrix did not reach");
        _uncovered.ShouldBeEmpty($"{check}: operations neither covered nor exempt with a reason");
        _failures.ShouldBeEmpty($"{check}: failed expectations");
    }
}
