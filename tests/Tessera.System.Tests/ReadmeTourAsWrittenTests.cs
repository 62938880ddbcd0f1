using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.RegularExpressions;
using AngleSharp.Html.Parser;
using Tessera.Orders.Contracts;
using Tessera.ServiceDefaults.Json;
using Tessera.Testing;
using Xunit.Abstractions;

namespace Tessera.System.Tests;

/// <summary>
/// The README's tour, run as written: every sh block of the "five-minute tour", in order, in bash (curl, openssl), with
/// only the address and the password of this test's system put in, and `dotnet run --project src/Tools/Tessera.Cli --`
/// running the CLI already built. Then, on the demo data the tour loaded, every list page of the navigation shows rows.
/// </summary>
[Collection(SystemCollection.Name)]
public sealed partial class ReadmeTourAsWrittenTests(SystemFixture fixture, ITestOutputHelper output)
{
    private const string Prelude = """
        set -u
        # The CLI of the tour, already built: `dotnet run --project src/Tools/Tessera.Cli -- …` runs it.
        dotnet() {
            if [ "$1" = run ] && [ "$2" = --project ] && [ "$3" = src/Tools/Tessera.Cli ] && [ "$4" = -- ]; then
                shift 4; command dotnet "$TESSERA_CLI" "$@"
            else
                command dotnet "$@"
            fi
        }
        """;

    [Fact]
    public async Task The_tour_runs_as_written_and_after_the_demo_every_list_page_of_the_navigation_shows_rows()
    {
        var readme = await File.ReadAllTextAsync(Path.Combine(Repository.Root, "README.md"));
        var tour = readme[readme.IndexOf("## A five-minute tour", StringComparison.Ordinal)..readme.IndexOf("## Documentation", StringComparison.Ordinal)];
        var blocks = ShellBlock().Matches(tour).Select(m => m.Groups[1].Value).ToList();
        blocks.Count.ShouldBeGreaterThan(8);
        var url = fixture.System.PublicUrl.ToString().TrimEnd('/');
        var script = Prelude + "\n" + string.Join("\n", blocks).Replace("http://127.0.0.1:5000", url, StringComparison.Ordinal)
            .Replace("tour-password-1", RunningSystem.AdminPassword, StringComparison.Ordinal);

        using var work = new TempDirectory("tessera-tour");
        Directory.CreateSymbolicLink(Path.Combine(work.Path, "docs"), Path.Combine(Repository.Root, "docs"));
        var (code, text) = await BashAsync(script, work.Path, url);
        output.WriteLine(text.Length > 20_000 ? text[^20_000..] : text);
        code.ShouldBe(0, text);

        // What the tour says it shows.
        text.ShouldContain("\"status\":\"Confirmed\"");
        text.ShouldContain("\"status\":\"Rejected\"");
        text.ShouldContain("\"status\":\"Completed\"");
        text.ShouldContain("TOUR-HIST-1");
        text.ShouldContain("Nguyen Van An");
        // A byte order mark first, so that a spreadsheet reads the Vietnamese names as UTF-8 (ReadAllText would drop it).
        var exported = File.ReadAllBytes(Path.Combine(work.Path, "cancelled.csv"));
        exported.Take(3).ShouldBe(new byte[] { 0xEF, 0xBB, 0xBF });
        Encoding.UTF8.GetString(exported, 3, exported.Length - 3).ShouldStartWith("number,placed_at,status");
        var cityOnly = await fixture.Api.Client.GetFromJsonAsync<OrderSearchPageDto>("/api/orders/search?q=TOUR-SHP-1002", TesseraJson.Options);
        var order = await fixture.Api.OrderAsync(cityOnly!.Items.Single().Id);
        (order.Shipping!.Address!.Line1, order.Shipping.Address.City).ShouldBe((null, "Đà Lạt"));

        await EveryListPageShowsRowsAsync();
    }

    /// <summary>Walks the navigation as a person would (each main link, the links of each page's own sub-navigation) and checks each list.</summary>
    private async Task EveryListPageShowsRowsAsync()
    {
        using var browser = new HttpClient(new HttpClientHandler { CookieContainer = new(), AllowAutoRedirect = true }) { BaseAddress = fixture.System.PublicUrl };
        (await browser.SignInAsync("demo", "admin", RunningSystem.AdminPassword)).IsSuccessStatusCode.ShouldBeTrue();
        var parser = new HtmlParser();
        var home = parser.ParseDocument(await browser.GetStringAsync("/"));
        var main = home.QuerySelectorAll("[data-testid=main-nav] a[href^='/']").Select(a => a.GetAttribute("href")!).Where(h => h != "/").Distinct().ToList();
        main.ShouldContain("/customers");
        var pages = new List<string>();
        foreach (var link in main)
        {
            pages.Add(link);
            var page = parser.ParseDocument(await browser.GetStringAsync(link));
            pages.AddRange(page.QuerySelectorAll("main nav a[href^='/']").Select(a => a.GetAttribute("href")!)
                .Where(h => !h.Contains('?') && !h.EndsWith("/new", StringComparison.Ordinal)));
        }
        var empty = new List<string>();
        foreach (var path in pages.Distinct())
        {
            var response = await browser.GetAsync(path);
            response.StatusCode.ShouldBe(HttpStatusCode.OK, path);
            var page = parser.ParseDocument(await response.Content.ReadAsStringAsync());
            var tables = page.QuerySelectorAll("main table");
            // An empty list says so in an element named no-…; "no alerts" on the quality page is the healthy state, not an empty list.
            var emptyStates = page.QuerySelectorAll("main [data-testid^='no-']:not([data-testid='no-alerts'])").Select(e => e.TextContent.Trim()).ToList();
            if (emptyStates.Count > 0 || tables.Any(t => t.QuerySelectorAll("tbody tr").Length == 0))
                empty.Add($"{path}: {string.Join(" / ", emptyStates)}");
        }
        output.WriteLine($"{pages.Distinct().Count()} pages walked: {string.Join(", ", pages.Distinct())}");
        empty.ShouldBeEmpty("list pages with no rows after the demo");
    }

    private static async Task<(int Code, string Output)> BashAsync(string script, string folder, string url)
    {
        var info = new ProcessStartInfo("bash") { RedirectStandardInput = true, RedirectStandardOutput = true, RedirectStandardError = true, WorkingDirectory = folder };
        info.Environment["TESSERA_CLI"] = RunningSystem.PathOf("tessera");
        info.Environment["TESSERA_URL"] = url;
        using var process = Process.Start(info)!;
        await process.StandardInput.WriteAsync(script);
        process.StandardInput.Close();
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(12));
        await process.WaitForExitAsync(timeout.Token);
        return (process.ExitCode, await stdout + "\n" + await stderr);
    }

    [GeneratedRegex(@"```sh\n(.*?)```", RegexOptions.Singleline)]
    private static partial Regex ShellBlock();
}
