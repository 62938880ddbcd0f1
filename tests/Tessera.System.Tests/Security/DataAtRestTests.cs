using System.Text;
using Xunit.Abstractions;

namespace Tessera.System.Tests.Security;

/// <summary>
/// After a workload of every kind (orders placed, changed, imported, searched by phone and e-mail, shipped and returned;
/// suppliers with contacts): no personal data in plain text anywhere in the data folder — databases, their WAL and
/// shared-memory files, uploads, logs — and nothing there readable by another user of the machine.
/// </summary>
[Collection(SecurityCollection.Name)]
[global::System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
public sealed class DataAtRestTests(SecurityFixture fixture, ITestOutputHelper output)
{
    /// <summary>Written by the test harness, not by Tessera: the AppHost's console as the test captured it.</summary>
    private const string HarnessFile = "apphost-console.log";

    private IEnumerable<string> Files() =>
        Directory.EnumerateFiles(fixture.System.DataDir, "*", SearchOption.AllDirectories).Where(f => Path.GetFileName(f) != HarnessFile);

    [Fact]
    public void No_canary_of_personal_data_is_stored_in_plain_text_in_any_file()
    {
        var files = Files().ToList();
        files.ShouldContain(f => f.EndsWith(".db-wal", StringComparison.Ordinal));
        files.ShouldContain(f => f.EndsWith(".log", StringComparison.Ordinal));
        var contents = files.Select(f => (File: f, Text: Encoding.UTF8.GetString(ReadShared(f)))).ToList();
        output.WriteLine($"{files.Count} files, {contents.Sum(c => c.Text.Length) / 1024} KB scanned for {fixture.Workload.Canaries.Count} canaries");
        // The scan does see plain text: the workload's SKU is in the catalog's files and in the logs of other services.
        contents.ShouldContain(c => c.Text.Contains(fixture.Workload.Sku, StringComparison.Ordinal));

        foreach (var canary in fixture.Workload.Canaries)
            foreach (var value in canary.Values.Append("Zyxcanary"))
                contents.Where(c => c.Text.Contains(value, StringComparison.Ordinal))
                    .Select(c => $"{Path.GetRelativePath(fixture.System.DataDir, c.File)}: …{Around(c.Text, value)}…")
                    .ShouldBeEmpty($"'{value}' is stored in plain text");
    }

    [Fact]
    public void Every_file_and_folder_in_the_data_folder_is_closed_to_other_users()
    {
        var open = Files()
            .Where(f => (File.GetUnixFileMode(f) & (UnixFileMode.GroupRead | UnixFileMode.GroupWrite | UnixFileMode.OtherRead | UnixFileMode.OtherWrite)) != 0)
            .Select(f => $"{Path.GetRelativePath(fixture.System.DataDir, f)} {File.GetUnixFileMode(f)}")
            .Concat(Directory.EnumerateDirectories(fixture.System.DataDir, "*", SearchOption.AllDirectories).Append(fixture.System.DataDir)
                .Where(d => (File.GetUnixFileMode(d) & (UnixFileMode.GroupRead | UnixFileMode.GroupExecute | UnixFileMode.OtherRead | UnixFileMode.OtherExecute)) != 0)
                .Select(d => $"{Path.GetRelativePath(fixture.System.DataDir, d)}/ {File.GetUnixFileMode(d)}"))
            .ToList();

        Files().ShouldContain(f => f.EndsWith("web.db", StringComparison.Ordinal));
        open.ShouldBeEmpty();
    }

    /// <summary>What surrounds the first place a value was found, printable, so that a failure says which record leaked it.</summary>
    private static string Around(string text, string value)
    {
        var at = text.IndexOf(value, StringComparison.Ordinal);
        var start = Math.Max(0, at - 120);
        return new string(text.Substring(start, Math.Min(text.Length, at + value.Length + 120) - start)
            .Select(c => char.IsControl(c) || c == '\uFFFD' ? '·' : c).ToArray());
    }

    private static byte[] ReadShared(string path)
    {
        using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
        using var copy = new MemoryStream();
        stream.CopyTo(copy);
        return copy.ToArray();
    }
}
