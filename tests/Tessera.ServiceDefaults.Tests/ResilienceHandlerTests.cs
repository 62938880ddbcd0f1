using System.Net;
using Tessera.ServiceDefaults.Errors;
using Tessera.ServiceDefaults.Http;
using Tessera.Testing;

namespace Tessera.ServiceDefaults.Tests;

public sealed class ResilienceHandlerTests
{
    private static readonly ResilienceSettings Fast = new()
    {
        RetryBaseDelay = TimeSpan.FromMilliseconds(1),
        AttemptTimeout = TimeSpan.FromSeconds(2),
        TotalTimeout = TimeSpan.FromSeconds(5),
        MinimumThroughput = 4,
        BreakDuration = TimeSpan.FromSeconds(30),
    };

    private static (HttpClient Client, StubHandler Stub) Client(Func<int, HttpStatusCode> answer, ResilienceSettings? settings = null)
    {
        var calls = 0;
        var stub = new StubHandler(_ => new HttpResponseMessage(answer(++calls)));
        var handler = new ResilienceHandler("catalog", ResilienceHandler.BuildPipeline(settings ?? Fast, TimeProvider.System)) { InnerHandler = stub };
        return (new HttpClient(handler) { BaseAddress = new Uri("http://catalog.test") }, stub);
    }

    [Fact]
    public async Task A_read_is_retried_through_a_transient_failure()
    {
        var (client, stub) = Client(call => call < 3 ? HttpStatusCode.InternalServerError : HttpStatusCode.OK);

        (await client.GetAsync("/x")).StatusCode.ShouldBe(HttpStatusCode.OK);
        stub.Calls.ShouldBe(3);
    }

    [Fact]
    public async Task A_post_without_an_idempotency_key_is_never_retried()
    {
        var (client, stub) = Client(_ => HttpStatusCode.InternalServerError);

        (await client.PostAsync("/x", null)).StatusCode.ShouldBe(HttpStatusCode.InternalServerError);
        stub.Calls.ShouldBe(1);
    }

    [Fact]
    public async Task A_post_with_an_idempotency_key_is_retried()
    {
        var (client, stub) = Client(call => call == 1 ? HttpStatusCode.RequestTimeout : HttpStatusCode.Created);
        var request = new HttpRequestMessage(HttpMethod.Post, "/x");
        request.Headers.Add("Idempotency-Key", "k");

        (await client.SendAsync(request)).StatusCode.ShouldBe(HttpStatusCode.Created);
        stub.Calls.ShouldBe(2);
    }

    [Fact]
    public async Task An_unreachable_service_surfaces_as_unavailable_naming_it()
    {
        var (client, stub) = Client(_ => HttpStatusCode.OK);
        stub.Down = true;

        var error = await Should.ThrowAsync<DependencyUnavailableException>(() => client.GetAsync("/x"));

        error.Service.ShouldBe("catalog");
        stub.Calls.ShouldBe(3);
    }

    [Fact]
    public async Task A_failing_service_opens_the_breaker_and_later_calls_fail_fast()
    {
        var (client, stub) = Client(_ => HttpStatusCode.InternalServerError, Fast with { MaxRetries = 0 });

        var answered = 0;
        while (answered < 10)
        {
            try
            {
                await client.GetAsync("/x");
                answered++;
            }
            catch (DependencyUnavailableException)
            {
                break;
            }
        }
        var before = stub.Calls;

        answered.ShouldBe(Fast.MinimumThroughput);
        await Should.ThrowAsync<DependencyUnavailableException>(() => client.GetAsync("/x"));
        stub.Calls.ShouldBe(before);
    }

    [Fact]
    public async Task An_answer_cut_off_in_its_body_is_retried_and_read_whole()
    {
        var calls = 0;
        var stub = new StubHandler(_ => new HttpResponseMessage(HttpStatusCode.OK)
        {
            Content = new StreamContent(++calls == 1 ? new CutOffStream("{\"sku\":\"TEA") : new MemoryStream("{\"sku\":\"TEA-1\"}"u8.ToArray())),
        });
        var client = new HttpClient(new ResilienceHandler("catalog", ResilienceHandler.BuildPipeline(Fast, TimeProvider.System)) { InnerHandler = stub });

        var response = await client.GetAsync("http://catalog.test/x", HttpCompletionOption.ResponseHeadersRead);

        (await response.Content.ReadAsStringAsync()).ShouldBe("{\"sku\":\"TEA-1\"}");
        stub.Calls.ShouldBe(2);
    }

    [Fact]
    public async Task An_answer_always_cut_off_surfaces_as_unavailable_not_as_a_broken_read()
    {
        var stub = new StubHandler(_ => new HttpResponseMessage(HttpStatusCode.OK) { Content = new StreamContent(new CutOffStream("[{\"id\":")) });
        var client = new HttpClient(new ResilienceHandler("inventory", ResilienceHandler.BuildPipeline(Fast, TimeProvider.System)) { InnerHandler = stub });

        var error = await Should.ThrowAsync<DependencyUnavailableException>(() => client.GetAsync("http://inventory.test/x", HttpCompletionOption.ResponseHeadersRead));

        error.Service.ShouldBe("inventory");
        stub.Calls.ShouldBe(Fast.MaxRetries + 1);
    }

    /// <summary>A body that gives its first bytes and then fails like a connection whose server was killed.</summary>
    private sealed class CutOffStream(string start) : MemoryStream(global::System.Text.Encoding.UTF8.GetBytes(start))
    {
        public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
        {
            var read = await base.ReadAsync(buffer, cancellationToken);
            return read > 0 ? read : throw new IOException("The response ended prematurely.");
        }

        public override int Read(byte[] buffer, int offset, int count)
        {
            var read = base.Read(buffer, offset, count);
            return read > 0 ? read : throw new IOException("The response ended prematurely.");
        }

        public override async Task CopyToAsync(Stream destination, int bufferSize, CancellationToken cancellationToken)
        {
            var buffer = new byte[bufferSize];
            int read;
            while ((read = await ReadAsync(buffer, cancellationToken)) > 0)
                await destination.WriteAsync(buffer.AsMemory(0, read), cancellationToken);
        }
    }
}
