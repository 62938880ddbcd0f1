using System.Net;
using System.Text;
using System.Text.Json;
using Tessera.ServiceDefaults.Hosting;
using Tessera.Testing;
using Xunit.Abstractions;

namespace Tessera.System.Tests.Security;

/// <summary>
/// The public port as a socket sees it: no address leads out of /api/&lt;service&gt;/ to a service's internal endpoints
/// however it is encoded, answers do not name the server, bodies too large or too slow are refused at the gateway.
/// </summary>
[Collection(SecurityCollection.Name)]
public sealed class PublicPortTests(SecurityFixture fixture, ITestOutputHelper output)
{
    private static readonly string[] InternalTargets = ["openapi/v1.json", "health/ready", "health/live", "events?after=0", "metrics"];

    /// <summary>Ways of writing "../../" that an HTTP library or a service might turn back into it.</summary>
    private static readonly string[] Escapes =
    [
        "..%5C..%5C", "..%5c..%5c", "..\\..\\", "../../", "%2e%2e/%2e%2e/", "%2E%2E%2F%2E%2E%2F", "..%2F..%2F", "%2e%2e%5c%2e%2e%5c",
        "%252e%252e/%252e%252e/", "%252e%252e%252f%252e%252e%252f", "%c0%ae%c0%ae/%c0%ae%c0%ae/", "%c0%ae%c0%ae%c0%af%c0%ae%c0%ae%c0%af",
        "%e0%80%ae%e0%80%ae/%e0%80%ae%e0%80%ae/", "..%00/..%00/", ".%2e/.%2e/",
    ];

    [Fact]
    public async Task Every_encoding_of_a_step_out_of_a_service_s_api_is_refused_with_400_at_the_gateway()
    {
        var token = await FreshTokenAsync();
        var refused = 0;
        var services = ServiceCatalog.Names;
        foreach (var service in services)
            foreach (var escape in Escapes)
                foreach (var target in InternalTargets)
                {
                    var raw = $"/api/{service}/{escape}{target}";
                    var answer = await RawHttp.SendAsync(fixture.System.PublicUrl, "GET", raw, token);
                    answer.Status.ShouldBe(400, $"{raw} answered {answer.Status}: {answer.Body}");
                    refused++;
                }
        output.WriteLine($"{refused} traversal requests over {services.Count} services refused with 400");

        // The raw client itself is sound: a plain address is answered by the service.
        (await RawHttp.SendAsync(fixture.System.PublicUrl, "GET", "/api/catalog/products", token)).Status.ShouldBe(200);
    }

    [Fact]
    public async Task A_dot_segment_inside_any_operation_s_path_is_refused_with_400()
    {
        var token = await FreshTokenAsync();
        var report = new MatrixReport("path traversal → 400", output);
        foreach (var operation in fixture.Catalog.Operations)
        {
            var path = MatrixRequests.MadeUpPath(operation).Split('?')[0];
            var cut = path.LastIndexOf('/');
            foreach (var escape in new[] { "%2e%2e/", "..%5C", "%252e%252e/" })
            {
                var raw = path[..(cut + 1)] + escape + path[(cut + 1)..];
                var answer = await RawHttp.SendAsync(fixture.System.PublicUrl, operation.Method, raw, token, operation.HasJsonBody ? "{}" : null);
                if (answer.Status != 400 || !answer.Body.Contains("The address is not valid", StringComparison.Ordinal))
                    report.Fail(operation, $"{raw} answered {answer.Status}");
            }
            report.Covered(operation, 3);
        }
        report.Conclude(fixture.Catalog.Operations);
    }

    [Fact]
    public async Task Answers_do_not_name_the_web_server()
    {
        var answers = new[]
        {
            await RawHttp.SendAsync(fixture.System.PublicUrl, "GET", "/signin"),
            await RawHttp.SendAsync(fixture.System.PublicUrl, "GET", "/api/catalog/products"),
            await RawHttp.SendAsync(fixture.System.PublicUrl, "GET", "/api/catalog/products", await FreshTokenAsync()),
        };
        foreach (var answer in answers)
            answer.Headers.ContainsKey("Server").ShouldBeFalse($"Server: {answer.Headers.GetValueOrDefault("Server")}");
        var status = (await fixture.System.StatusAsync())!;
        foreach (var service in status.Services)
        {
            var url = new Uri(service.Url);
            (await RawHttp.SendAsync(url, "GET", "/health/live")).Headers.ContainsKey("Server").ShouldBeFalse(service.Name);
        }
    }

    [Fact]
    public async Task A_body_over_its_limit_is_a_413_problem_and_a_body_trickling_in_a_408_problem()
    {
        var token = await FreshTokenAsync("demo", "matrix-admin");
        var fifty = await RawHttp.SendOversizedAsync(fixture.System.PublicUrl, "POST", "/api/orders", token, "application/json", 50L * 1024 * 1024);
        var import = await RawHttp.SendOversizedAsync(fixture.System.PublicUrl, "POST", "/api/orders/imports?fileName=big.csv", token, "text/csv",
            110L * 1024 * 1024);

        foreach (var answer in new[] { fifty, import })
        {
            answer.Status.ShouldBe(413, answer.Body);
            answer.Headers["Content-Type"].ShouldStartWith("application/problem+json");
            answer.Body.ShouldContain("The body is too large");
        }
        using var client = await fixture.System.SignInAsync("demo", "matrix-admin", SecurityFixture.UserPassword);

        var started = global::System.Diagnostics.Stopwatch.StartNew();
        var slow = await TrickleAsync("/api/orders", await FreshTokenAsync("demo", "matrix-admin"));
        output.WriteLine($"the trickling body was refused after {started.Elapsed.TotalSeconds:0.0} s: {slow}");
        slow.ShouldStartWith("HTTP/1.1 408");
        slow.ShouldContain("application/problem+json");
        (await client.GetAsync("/api/orders?pageSize=1")).StatusCode.ShouldBe(HttpStatusCode.OK);
    }

    /// <summary>Announces a 200-byte JSON body and sends it one byte a second; returns the answer's head.</summary>
    private async Task<string> TrickleAsync(string path, string token)
    {
        using var socket = new global::System.Net.Sockets.TcpClient();
        await socket.ConnectAsync(fixture.System.PublicUrl.Host, fixture.System.PublicUrl.Port);
        await using var stream = socket.GetStream();
        var head = $"POST {path} HTTP/1.1\r\nHost: {fixture.System.PublicUrl.Authority}\r\nAuthorization: Bearer {token}\r\n" +
                   "Content-Type: application/json\r\nContent-Length: 200\r\n\r\n";
        await stream.WriteAsync(Encoding.ASCII.GetBytes(head));
        var answer = new byte[4096];
        var reading = stream.ReadAsync(answer).AsTask();
        var deadline = DateTime.UtcNow.AddSeconds(60);
        while (!reading.IsCompleted && DateTime.UtcNow < deadline)
        {
            try
            {
                await stream.WriteAsync("{"u8.ToArray());
            }
            catch (IOException)
            {
                break;
            }
            await Task.WhenAny(reading, Task.Delay(TimeSpan.FromSeconds(1)));
        }
        var read = await reading.WaitAsync(TimeSpan.FromSeconds(5));
        return Encoding.ASCII.GetString(answer, 0, read);
    }

    private Task<string> FreshTokenAsync(string tenant = SecurityFixture.TenantB, string username = "boss") =>
        fixture.FreshTokenAsync(tenant, username, SecurityFixture.UserPassword);
}
