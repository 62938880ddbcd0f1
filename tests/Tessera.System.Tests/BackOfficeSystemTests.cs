using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Tessera.Testing;

namespace Tessera.System.Tests;

/// <summary>The rough edges of issue 15 on the running system: the public readiness is the whole system's; the CLI's help and output.</summary>
[Collection(SystemCollection.Name)]
public sealed class BackOfficeSystemTests(SystemFixture fixture)
{
    [Fact]
    public async Task The_public_readiness_names_every_service_and_fails_while_one_is_down_and_the_apphost_says_degraded()
    {
        using var anonymous = new HttpClient { BaseAddress = fixture.System.PublicUrl };
        var ready = await anonymous.GetAsync("/health/ready");
        ready.StatusCode.ShouldBe(HttpStatusCode.OK);
        var checks = Checks(await ready.Content.ReadFromJsonAsync<JsonElement>());
        foreach (var service in Tessera.ServiceDefaults.Hosting.ServiceCatalog.Names)
            checks[service].ShouldBe("Healthy");

        await fixture.System.HoldDownAsync("procurement");
        try
        {
            var down = await Poll.UntilAsync(() => anonymous.GetAsync("/health/ready"), r => r.StatusCode == HttpStatusCode.ServiceUnavailable,
                "the public readiness to report procurement down");
            var report = Checks(await down.Content.ReadFromJsonAsync<JsonElement>());
            report["procurement"].ShouldBe("Unhealthy");
            report["orders"].ShouldBe("Healthy");
            (await fixture.System.StatusAsync())!.State.ShouldBe("degraded");
        }
        finally
        {
            await fixture.System.ReleaseAsync("procurement");
        }
        await Poll.UntilAsync(() => anonymous.GetAsync("/health/ready"), r => r.StatusCode == HttpStatusCode.OK, "the system to be ready again",
            TimeSpan.FromSeconds(90));
        await Poll.UntilAsync(async () => (await fixture.System.StatusAsync())!.State, state => state == "ready", "the AppHost to be ready again");
    }

    [Fact]
    public async Task The_cli_never_shows_a_password_from_the_environment_and_writes_no_colour_codes_into_a_pipe()
    {
        var (code, help) = await Cli.RunAsync(fixture, ["seed", "--help"], ("TESSERA_PASSWORD", "secret-from-env-123"), ("TESSERA_TOKEN", "token-from-env-456"));
        code.ShouldBe(0, help);
        help.ShouldContain("--password");
        help.ShouldNotContain("secret-from-env-123");
        help.ShouldNotContain("token-from-env-456");

        var (checkCode, check) = await Cli.RunAsync(fixture, ["check"]);
        check.ShouldNotContain("\u001b[");
        checkCode.ShouldBeOneOf([0, 4], check);
    }

    [Fact]
    public async Task Dead_letters_list_without_a_service_lists_every_service()
    {
        var (code, output) = await Cli.RunAsync(fixture, ["dead-letters", "list"]);
        code.ShouldBe(0, output);
        foreach (var service in Tessera.ServiceDefaults.Hosting.ServiceCatalog.Names)
            output.ShouldContain(service);
        output.ShouldNotContain("\u001b[");
    }

    private static Dictionary<string, string> Checks(JsonElement report) =>
        report.GetProperty("checks").EnumerateArray().ToDictionary(c => c.GetProperty("name").GetString()!, c => c.GetProperty("status").GetString()!);
}

/// <summary>Runs the built CLI against a running system, its output redirected (as a script or a log would).</summary>
public static class Cli
{
    public static async Task<(int ExitCode, string Output)> RunAsync(SystemFixture fixture, string[] args, params (string Name, string Value)[] environment) =>
        await RunAsync(fixture.System, args, TimeSpan.FromMinutes(10), environment);

    public static async Task<(int ExitCode, string Output)> RunAsync(RunningSystem system, string[] args, TimeSpan timeout, params (string Name, string Value)[] environment)
    {
        var info = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        info.ArgumentList.Add(RunningSystem.PathOf("tessera"));
        foreach (var arg in args)
            info.ArgumentList.Add(arg);
        info.Environment["TESSERA_URL"] = system.PublicUrl.ToString();
        info.Environment["TESSERA_PASSWORD"] = RunningSystem.AdminPassword;
        foreach (var (name, value) in environment)
            info.Environment[name] = value;
        using var process = Process.Start(info)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        using var cancel = new CancellationTokenSource(timeout);
        await process.WaitForExitAsync(cancel.Token);
        return (process.ExitCode, await output + await error);
    }
}
