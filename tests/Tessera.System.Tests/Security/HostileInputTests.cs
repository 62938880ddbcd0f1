using System.Net;
using System.Text;
using System.Text.Json;
using Xunit.Abstractions;

namespace Tessera.System.Tests.Security;

/// <summary>
/// Every operation that takes a body, sent what careless and hostile clients send: malformed JSON, a top-level array,
/// a key given twice, and per property a wrong type, a huge or non-numeric number, a bad UUID or date, a moment without
/// an offset, control and bidi characters, overlong text — and a body over the size limit. Each answer is a 4xx problem
/// that names the field (its JSON path); none is a 5xx, none hangs, and no service restarts. The properties come from
/// each operation's schema, so a new endpoint is probed with no edit here.
/// </summary>
[Collection(SecurityCollection.Name)]
public sealed class HostileInputTests(SecurityFixture fixture, ITestOutputHelper output)
{
    /// <summary>A body, the field its problem must name (null: any field), and what it is.</summary>
    private sealed record Probe(string Body, string? Field, string What);

    [Fact]
    public async Task Every_body_route_answers_hostile_input_with_a_4xx_problem_naming_the_field_never_a_5xx_a_hang_or_a_crash()
    {
        var report = new MatrixReport("hostile bodies → 4xx naming the field", output);
        var operations = fixture.Catalog.Operations;
        var total = 0;
        foreach (var operation in operations)
        {
            if (operation.Body is null)
            {
                report.Exempt(operation, "takes no body");
                continue;
            }
            if (operation.Access is { Anonymous: false } access && !access.Allows(["admin", "operator"]))
            {
                report.Exempt(operation, $"not open to the operator administrator ({access})");
                continue;
            }
            var path = (fixture.ResourcesA.Fill(operation) ?? operation.Fill(MatrixRequests.MadeUp)) + MatrixRequests.Query(operation);
            var probes = operation.HasJsonBody ? JsonProbes(operation).ToList() : OtherProbes().ToList();
            foreach (var probe in probes)
                await CheckAsync(operation, path, probe, report);
            await OversizedAsync(operation, path, report);
            var requests = probes.Count + 1;
            if (operation.HasJsonBody && operation.Body!.Schema is { } schema)
            {
                await AtTheLimitAsync(operation, path, schema, report);
                requests++;
            }
            report.Covered(operation, requests);
            total += requests;
        }
        output.WriteLine($"{total} hostile requests");
        report.Conclude(operations);
        await fixture.ShouldNotHaveRestartedAsync(output);
    }

    private async Task CheckAsync(ApiOperation operation, string path, Probe probe, MatrixReport report)
    {
        HttpResponseMessage response;
        try
        {
            response = await SecurityFixture.SendAsync(fixture.AdminA, () =>
            {
                var request = MatrixRequests.Create(operation, path, probe.Body);
                if (!operation.HasJsonBody)
                    request.Content = new ByteArrayContent(Encoding.UTF8.GetBytes(probe.Body)) { Headers = { ContentType = new(operation.Body!.ContentType.Split(';')[0]) } };
                return request;
            });
        }
        catch (TaskCanceledException)
        {
            report.Fail(operation, $"{probe.What}: no answer within 30 s");
            return;
        }
        using (response)
        {
            var text = await response.Content.ReadAsStringAsync();
            var status = (int)response.StatusCode;
            if (status is < 400 or >= 500)
            {
                report.Fail(operation, $"{probe.What}: answered {status} {Shorten(text)}");
                return;
            }
            if (response.Content.Headers.ContentType?.MediaType != "application/problem+json")
            {
                report.Fail(operation, $"{probe.What}: {status} is not a problem detail");
                return;
            }
            if (probe.Field is null || status is 401 or 403 or 404 or 409 or 412 or 428)
                return;
            var problem = JsonDocument.Parse(text).RootElement;
            var fields = problem.TryGetProperty("errors", out var errors) ? errors.EnumerateObject().Select(e => e.Name).ToList() : [];
            if (!fields.Contains(probe.Field, StringComparer.OrdinalIgnoreCase))
                report.Fail(operation, $"{probe.What}: the problem names [{string.Join(", ", fields)}], not '{probe.Field}': {Shorten(text)}");
        }
    }

    /// <summary>A body announced one byte over the route's limit: refused from its Content-Length, before it is read.</summary>
    private async Task OversizedAsync(ApiOperation operation, string path, MatrixReport report)
    {
        var limit = operation.HasJsonBody ? 1024 * 1024 : 101 * 1024 * 1024;
        RawHttp.Answer answer;
        try
        {
            answer = await RawHttp.SendOversizedAsync(fixture.System.PublicUrl, operation.Method, path, await fixture.FreshTokenAsync(),
                operation.Body!.ContentType.Split(';')[0], limit + 1L);
        }
        catch (OperationCanceledException)
        {
            report.Fail(operation, $"a body announced at {limit + 1} bytes got no answer within 10 s: it was waited for instead of refused");
            return;
        }
        if (answer.Status != 413 || !answer.Headers.GetValueOrDefault("Content-Type", "").StartsWith("application/problem+json", StringComparison.Ordinal))
            report.Fail(operation, $"a body of {limit + 1} bytes answered {answer.Status}, not a 413 problem");
    }

    /// <summary>
    /// Every number of a plausible body at the largest value a request may carry: products and sums of such numbers must
    /// be refused or recorded, never overflow into a 5xx.
    /// </summary>
    private async Task AtTheLimitAsync(ApiOperation operation, string path, JsonElement schema, MatrixReport report)
    {
        var body = SchemaSamples.Valid(operation.Document, schema).Replace(":1", ":999999999999999.99", StringComparison.Ordinal)
            .Replace("[1", "[999999999999999.99", StringComparison.Ordinal);
        using var response = await SecurityFixture.SendAsync(fixture.AdminA, () => MatrixRequests.Create(operation, path, body));
        if ((int)response.StatusCode >= 500)
            report.Fail(operation, $"numbers at the limit answered {(int)response.StatusCode} {Shorten(await response.Content.ReadAsStringAsync())}");
    }

    private static IEnumerable<Probe> OtherProbes()
    {
        yield return new Probe("", null, "an empty upload");
        yield return new Probe("\u0000\u0001binary\u00ff garbage", null, "binary garbage");
    }

    private IEnumerable<Probe> JsonProbes(ApiOperation operation)
    {
        yield return new Probe("{\"", "body", "malformed JSON");
        yield return new Probe("[]", "body", "a top-level array");
        yield return new Probe("\"just text\"", "body", "a top-level string");
        var document = operation.Document;
        var schema = operation.Body!.Schema is { } s ? document.Resolve(s) : default;
        if (schema.ValueKind != JsonValueKind.Object || !schema.TryGetProperty("properties", out var properties))
            yield break;
        var first = properties.EnumerateObject().First();
        var sample = SchemaSamples.Valid(document, first.Value);
        yield return new Probe($"{{\"{first.Name}\":{sample},\"{first.Name}\":{sample}}}", first.Name, "a key given twice");
        foreach (var property in properties.EnumerateObject())
        {
            foreach (var (value, what) in Hostile(document, property.Value))
                yield return new Probe($"{{\"{property.Name}\":{value}}}", property.Name, $"{property.Name}: {what}");
            // One level down: the first element of an array of objects ("lines[0].quantity").
            var items = document.Resolve(property.Value);
            if (RouteCatalog.TypeOf(items) == "array" && items.TryGetProperty("items", out var item)
                && document.Resolve(item) is { ValueKind: JsonValueKind.Object } element && element.TryGetProperty("properties", out var inner))
                foreach (var nested in inner.EnumerateObject())
                    foreach (var (value, what) in Hostile(document, nested.Value).Take(2))
                        yield return new Probe($"{{\"{property.Name}\":[{{\"{nested.Name}\":{value}}}]}}", $"{property.Name}[0].{nested.Name}",
                            $"{property.Name}[0].{nested.Name}: {what}");
        }
    }

    private static IEnumerable<(string Value, string What)> Hostile(OpenApiDocument document, JsonElement schema)
    {
        schema = document.Resolve(schema);
        var format = schema.ValueKind == JsonValueKind.Object && schema.TryGetProperty("format", out var f) ? f.GetString() : null;
        if (schema.ValueKind == JsonValueKind.Object && schema.TryGetProperty("enum", out _))
        {
            yield return ("\"NoSuchValue\"", "a value not in the enumeration");
            yield return ("42", "a number for an enumeration");
            yield break;
        }
        switch (RouteCatalog.TypeOf(schema), format)
        {
            case (_, "uuid"):
                yield return ("\"not-a-guid\"", "a bad UUID");
                yield return ("42", "a number for a UUID");
                break;
            case (_, "date"):
                yield return ("\"31/12/2025\"", "a date in another format");
                yield return ("\"2025-02-30\"", "a date that does not exist");
                break;
            case (_, "date-time"):
                yield return ("\"2025-12-31T10:00:00\"", "a moment without an offset");
                yield return ("\"yesterday\"", "a moment that is not a date");
                break;
            case ("string", _):
                yield return ("\"a\\u0000b\"", "a NUL character");
                yield return ("\"evil\\u202Etxt.exe\"", "a right-to-left override");
                yield return ($"\"{new string('x', 5000)}\"", "5,000 characters");
                yield return ("123", "a number for text");
                break;
            case ("number", _):
                yield return ("1e30", "1e30");
                yield return ("\"NaN\"", "\"NaN\"");
                yield return ("79228162514264337593543950336", "a number beyond a decimal");
                yield return ("-9999999999999999999999999999", "a huge negative number");
                yield return ("\"lots\"", "text for a number");
                break;
            case ("integer", _):
                yield return ("1e30", "1e30");
                yield return ("\"x\"", "text for a whole number");
                yield return ("1.5", "a fraction for a whole number");
                if (format == "int32")
                    yield return ("2147483648", "beyond a 32-bit whole number");
                break;
            case ("boolean", _):
                yield return ("\"maybe\"", "text for true or false");
                yield return ("2", "a number for true or false");
                break;
            case ("array", _):
                yield return ("{}", "an object for an array");
                yield return ("\"text\"", "text for an array");
                break;
            case ("object", _):
                yield return ("[]", "an array for an object");
                yield return ("\"text\"", "text for an object");
                break;
        }
    }

    private static string Shorten(string text) => text.Length > 300 ? text[..300] + "…" : text;
}
