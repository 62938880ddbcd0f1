using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Runtime.InteropServices;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Tessera.ServiceDefaults.Hosting;
using Tessera.Testing;

namespace Tessera.ServiceDefaults.Tests;

/// <summary>
/// A web process that accepts from the AppHost's public socket (docs/adr/0030) and is told to stop stops accepting first,
/// and then answers each request on the connections it holds with Connection: close for a few seconds, so that clients
/// move to the next process between requests rather than lose one sent as Kestrel closes their idle connection.
/// </summary>
public sealed class HandedListenSocketsTests
{
    [Fact]
    public async Task A_stopping_web_process_answers_on_the_connections_it_holds_and_closes_each_after_its_answer()
    {
        // The public port as the AppHost holds it, handed down as a descriptor without close-on-exec (here: a duplicate).
        using var publicSocket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        publicSocket.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        publicSocket.Listen();
        var port = ((IPEndPoint)publicSocket.LocalEndPoint!).Port;
        var handed = Dup((int)publicSocket.Handle);
        handed.ShouldBeGreaterThan(0);

        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.Configuration["urls"] = $"http://127.0.0.1:{Ports.Free()}";
        HandedListenSockets.Use(builder, handed.ToString(CultureInfo.InvariantCulture));
        await using var app = builder.Build();
        app.MapGet("/", () => "ok");
        await app.StartAsync();

        using var client = new HttpClient(new SocketsHttpHandler { PooledConnectionIdleTimeout = TimeSpan.FromMinutes(1) })
        {
            BaseAddress = new Uri($"http://127.0.0.1:{port}"),
        };
        using (var before = await client.GetAsync("/"))
        {
            before.StatusCode.ShouldBe(HttpStatusCode.OK);
            before.Headers.ConnectionClose.ShouldNotBe(true, "a running process keeps its connections");
        }

        var stopping = app.StopAsync();
        await Task.Delay(TimeSpan.FromMilliseconds(300));
        stopping.IsCompleted.ShouldBeFalse("it drains for a few seconds");
        // The kept-alive connection is still answered, and closed after the answer.
        using (var draining = await client.GetAsync("/"))
        {
            draining.StatusCode.ShouldBe(HttpStatusCode.OK);
            (await draining.Content.ReadAsStringAsync()).ShouldBe("ok");
            draining.Headers.ConnectionClose.ShouldBe(true);
        }
        await stopping.WaitAsync(TimeSpan.FromSeconds(20));
    }

    [DllImport("libc", EntryPoint = "dup", SetLastError = true)]
    private static extern int Dup(int descriptor);
}
