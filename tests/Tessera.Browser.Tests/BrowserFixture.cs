using System.Runtime.CompilerServices;
using Microsoft.Playwright;
using Tessera.Testing;

namespace Tessera.Browser.Tests;

[CollectionDefinition(Name)]
public sealed class BrowserCollection : ICollectionFixture<BrowserFixture>
{
    public const string Name = "browser";
}

/// <summary>
/// The whole ERP started once for the browser tests, and headless Chromium from Debian (Playwright drives it; it never
/// downloads a browser). Each test gets its own browser context: its own cookies, as a separate person would.
/// </summary>
public sealed class BrowserFixture : IAsyncLifetime
{
    private IPlaywright? _playwright;

    public RunningSystem System { get; private set; } = null!;
    public IBrowser Browser { get; private set; } = null!;
    public Api Api { get; private set; } = null!;

    public static readonly IReadOnlyDictionary<string, string> Environment = new Dictionary<string, string>
    {
        // Every test signs in from 127.0.0.1; the production limit of 30 sign-ins a minute per address is for people.
        ["Tessera__RateLimit__SignInPerMinute"] = "1000",
    };

    public async Task InitializeAsync()
    {
        System = await RunningSystem.StartAsync(Environment);
        Api = new Api(await System.SignInAsync());
        _playwright = await Playwright.CreateAsync();
        Browser = await LaunchAsync(_playwright);
    }

    public static Task<IBrowser> LaunchAsync(IPlaywright playwright) => playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
    {
        ExecutablePath = "/usr/bin/chromium",
        Headless = true,
        Args = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run"],
    });

    /// <summary>A new person at the browser: a fresh context (no cookies) and a page on the public URL.</summary>
    public async Task<IPage> NewPageAsync(string locale = "en-US")
    {
        var context = await Browser.NewContextAsync(new BrowserNewContextOptions { BaseURL = System.PublicUrl.ToString(), Locale = locale });
        context.SetDefaultTimeout(15_000);
        var page = await context.NewPageAsync();
        return page;
    }

    public async Task DisposeAsync()
    {
        if (Browser is not null)
            await Browser.DisposeAsync();
        _playwright?.Dispose();
        await System.DisposeAsync();
    }
}

public static class Pages
{
    public static async Task SignInAsync(this IPage page, string tenant = "demo", string username = "admin", string password = RunningSystem.AdminPassword,
        (string Tenant, string Username, string Password, string Button)? labels = null)
    {
        var (tenantLabel, usernameLabel, passwordLabel, button) = labels ?? ("Tenant", "Username", "Password", "Sign in");
        // A person whose sign-in does not go through reads the page and tries again; so does this, twice, and then says
        // what the page said (and keeps a screenshot) instead of only that the address did not change.
        for (var attempt = 1; ; attempt++)
        {
            await page.GotoAsync("/signin");
            await page.GetByLabel(tenantLabel).FillAsync(tenant);
            await page.GetByLabel(usernameLabel).FillAsync(username);
            await page.GetByLabel(passwordLabel).FillAsync(password);
            await page.GetByRole(AriaRole.Button, new() { Name = button }).ClickAsync();
            try
            {
                await page.WaitForURLAsync(url => !url.Contains("/signin"), new() { WaitUntil = WaitUntilState.Commit });
                return;
            }
            catch (TimeoutException) when (attempt < 3)
            {
                Console.WriteLine($"Sign-in attempt {attempt} of {username} stayed on {page.Url}: {await AlertsAsync(page)}");
            }
            catch (TimeoutException ex)
            {
                var shot = await page.SaveScreenshotAsync("sign-in-" + username);
                throw new TimeoutException($"Sign-in of {username} stayed on {page.Url} after {attempt} attempts; the page said: {await AlertsAsync(page)} ({shot})", ex);
            }
        }
    }

    private static async Task<string> AlertsAsync(IPage page) =>
        string.Join(" | ", await page.GetByRole(AriaRole.Alert).AllInnerTextsAsync()) is { Length: > 0 } said ? said : "nothing";

    /// <summary>Runs a test's steps and saves a screenshot at the end — of the last state reached when a step fails.</summary>
    public static async Task StepsAsync(this IPage page, Func<Task> steps, [CallerMemberName] string test = "")
    {
        try
        {
            await steps();
        }
        catch
        {
            await page.SaveScreenshotAsync(test + ".failed");
            throw;
        }
        await page.SaveScreenshotAsync(test);
    }

    /// <summary>Saves a full-page screenshot as screenshots/&lt;test&gt;.png next to the test assembly and returns its path.</summary>
    public static async Task<string> SaveScreenshotAsync(this IPage page, [CallerMemberName] string test = "")
    {
        var folder = Path.Combine(AppContext.BaseDirectory, "screenshots");
        Directory.CreateDirectory(folder);
        var path = Path.Combine(folder, test + ".png");
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = path, FullPage = true });
        return path;
    }
}
