using System.Globalization;
using System.Net;
using System.Net.Sockets;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Connections;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Server.Kestrel.Transport.Sockets;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace Tessera.ServiceDefaults.Hosting;

/// <summary>
/// Accepts on listening sockets the AppHost opened and handed down (<see cref="TesseraOptions.ListenHandles"/>): the
/// public port of the web front-end. Every web process — the one running, a restarted one, the new build of a rolling
/// upgrade — accepts from the same queue, so a connection waiting while one process stops is taken by the next instead
/// of being reset (docs/adr/0030).
/// </summary>
public static class HandedListenSockets
{
    public static void Use(WebApplicationBuilder builder, string handles)
    {
        var descriptors = handles.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Select(h => ulong.Parse(h, NumberStyles.None, CultureInfo.InvariantCulture))
            .ToList();
        // Endpoints set in code replace the urls, so the process's own addresses (its private port) are listened on here too.
        var own = (builder.Configuration["urls"] ?? "").Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Select(url => new Uri(url))
            .ToList();
        builder.WebHost.UseUrls();
        builder.WebHost.ConfigureKestrel(kestrel =>
        {
            foreach (var descriptor in descriptors)
                kestrel.ListenHandle(descriptor);
            foreach (var url in own)
                kestrel.Listen(IPAddress.Parse(url.Host.Trim('[', ']')), url.Port);
        });

        var handed = new HandedSockets();
        builder.WebHost.UseSockets(o => o.CreateBoundListenSocket = endpoint =>
        {
            var socket = SocketTransportOptions.CreateDefaultBoundListenSocket(endpoint);
            if (endpoint is FileHandleEndPoint)
                handed.Add(socket);
            return socket;
        });
        builder.Services.AddSingleton(handed);
        builder.Services.AddHostedService<StopAcceptingFirst>();
        builder.Services.AddSingleton<IStartupFilter, CloseWhileDraining>();
    }

    private sealed class HandedSockets
    {
        private readonly List<Socket> _sockets = [];
        private readonly Lock _lock = new();
        private volatile bool _closed;

        /// <summary>This process no longer accepts from the shared queue: it is draining.</summary>
        public bool Closed => _closed;

        public void Add(Socket socket)
        {
            lock (_lock)
                _sockets.Add(socket);
        }

        /// <summary>
        /// Closes this process's copy only: the descriptors were inherited without close-on-exec, and .NET does not shut
        /// such a socket down on close, so the other processes holding it keep accepting from its queue.
        /// </summary>
        public void Close()
        {
            _closed = true;
            lock (_lock)
                foreach (var socket in _sockets)
                    socket.Dispose();
        }
    }

    /// <summary>
    /// While draining, every answer closes its connection (<c>Connection: close</c>): the client opens its next one on
    /// the shared queue, which the next web process accepts from, at a moment of its choosing — rather than finding its
    /// idle connection closed under a request it is sending when Kestrel stops (a race HTTP/1.1 cannot settle: the
    /// client sees the response end before it began, and a POST is not sent again).
    /// </summary>
    private sealed class CloseWhileDraining(HandedSockets handed) : IStartupFilter
    {
        public Action<IApplicationBuilder> Configure(Action<IApplicationBuilder> next) => app =>
        {
            app.Use((context, following) =>
            {
                if (handed.Closed)
                    context.Response.Headers.Connection = "close";
                return following(context);
            });
            next(app);
        };
    }

    /// <summary>
    /// On stopping, before Kestrel does anything: stop taking connections from the shared queue (the next web process
    /// takes them), then give the connections this process holds a few seconds to send their next request — each is
    /// answered and closed (<see cref="CloseWhileDraining"/>), so the clients move over one by one. Kestrel's graceful
    /// stop lets requests in flight finish but closes an idle connection at once, and a request a client was sending on
    /// it that moment fails. A client idle for the whole grace still meets that race; one at work does not.
    /// </summary>
    private sealed class StopAcceptingFirst(HandedSockets handed) : IHostedLifecycleService
    {
        private static readonly TimeSpan AcceptedGrace = TimeSpan.FromSeconds(3);

        public async Task StoppingAsync(CancellationToken cancellationToken)
        {
            handed.Close();
            await Task.Delay(AcceptedGrace, cancellationToken).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        }

        public Task StartingAsync(CancellationToken cancellationToken) => Task.CompletedTask;
        public Task StartAsync(CancellationToken cancellationToken) => Task.CompletedTask;
        public Task StartedAsync(CancellationToken cancellationToken) => Task.CompletedTask;
        public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
        public Task StoppedAsync(CancellationToken cancellationToken) => Task.CompletedTask;
    }
}
