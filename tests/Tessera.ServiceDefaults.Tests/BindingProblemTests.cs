using System.Net;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Tessera.Testing;

namespace Tessera.ServiceDefaults.Tests;

/// <summary>
/// Whatever a client sends that cannot be bound is a 400 problem naming the field (its JSON path) and what the field
/// takes — never a bare "Bad Request". Checked on a host made of the platform's defaults only, for every kind of value.
/// </summary>
public sealed class BindingProblemTests(ProbeHost host) : IClassFixture<ProbeHost>
{
    private const string Valid =
        """{"name":"Tea","amount":12.5,"count":3,"id":"0190f5a2-7c1e-7d3a-9b4e-2f6a8c0d1e3f","day":"2026-01-31","at":"2026-01-31T14:30:00+07:00","kind":"Retail","lines":[{"sku":"A","quantity":1},{"sku":"B","quantity":2}]}""";

    private static string With(string property, string json)
    {
        var body = JsonNode.Parse(Valid)!.AsObject();
        body[property] = JsonNode.Parse(json);
        return body.ToJsonString();
    }

    private async Task<(HttpStatusCode Status, JsonElement Problem)> PostAsync(string body, string contentType = "application/json")
    {
        var response = await host.Client.PostAsync("/api/probe", new StringContent(body, Encoding.UTF8, contentType));
        return await ReadAsync(response);
    }

    private static async Task<(HttpStatusCode Status, JsonElement Problem)> ReadAsync(HttpResponseMessage response)
    {
        var text = await response.Content.ReadAsStringAsync();
        if (response.IsSuccessStatusCode)
            return (response.StatusCode, JsonDocument.Parse(text).RootElement);
        response.Content.Headers.ContentType?.MediaType.ShouldBe("application/problem+json", text);
        return (response.StatusCode, JsonDocument.Parse(text).RootElement);
    }

    private static string Message(JsonElement problem, string field) =>
        problem.GetProperty("errors").GetProperty(field)[0].GetString()!;

    [Fact]
    public async Task A_change_that_lost_a_race_is_412_when_it_named_its_version_and_409_otherwise()
    {
        var named = new HttpRequestMessage(HttpMethod.Put, "/api/probe/raced");
        named.Headers.IfMatch.Add(new System.Net.Http.Headers.EntityTagHeaderValue("\"3\""));

        var (withVersion, problem) = await ReadAsync(await host.Client.SendAsync(named));
        var (without, _) = await ReadAsync(await host.Client.PutAsync("/api/probe/raced", null));

        withVersion.ShouldBe(HttpStatusCode.PreconditionFailed);
        problem.GetProperty("title").GetString().ShouldBe("The record was changed by someone else");
        without.ShouldBe(HttpStatusCode.Conflict);
    }

    [Fact]
    public async Task A_valid_body_binds()
    {
        var (status, _) = await PostAsync(Valid);

        status.ShouldBe(HttpStatusCode.OK);
    }

    [Theory]
    [InlineData("count", "\"three\"", "count", "whole number")]
    [InlineData("count", "1e30", "count", "whole number")]
    [InlineData("amount", "1e30", "amount", "between -999999999999999.99 and 999999999999999.99")]
    [InlineData("amount", "\"NaN\"", "amount", "a number between")]
    [InlineData("amount", "79228162514264337593543950336", "amount", "a number between")]
    [InlineData("amount", "9999999999999999999999999999", "amount", "a number between")]
    [InlineData("amount", "true", "amount", "a number")]
    [InlineData("id", "\"not-a-guid\"", "id", "UUID")]
    [InlineData("day", "\"31/01/2026\"", "day", "date such as 2026-01-31")]
    [InlineData("at", "\"2026-01-31T14:30:00\"", "at", "with an offset")]
    [InlineData("at", "\"yesterday\"", "at", "with an offset")]
    [InlineData("kind", "\"Barter\"", "kind", "one of Retail, Wholesale")]
    [InlineData("name", "42", "name", "a string")]
    [InlineData("name", "\"A\\u0000B\"", "name", "control characters")]
    [InlineData("name", "\"Evil\\u202Etxt.exe\"", "name", "U+202E")]
    [InlineData("name", "\"Bell\\u0007\"", "name", "U+0007")]
    [InlineData("lines", "{}", "lines", "an array")]
    [InlineData("lines", "[{\"sku\":\"A\",\"quantity\":\"lots\"}]", "lines[0].quantity", "a number")]
    [InlineData("lines", "[{\"sku\":\"A\",\"quantity\":1},{\"sku\":\"B\\u202E\",\"quantity\":1}]", "lines[1].sku", "bidirectional")]
    public async Task A_value_that_cannot_be_bound_is_named_with_what_was_expected(string property, string json, string field, string expected)
    {
        var (status, problem) = await PostAsync(With(property, json));

        status.ShouldBe(HttpStatusCode.BadRequest);
        problem.ErrorFields().ShouldBe([field]);
        Message(problem, field).ShouldContain(expected);
        problem.GetProperty("detail").GetString()!.ShouldStartWith(field + ": ");
    }

    [Fact]
    public async Task Malformed_json_is_a_problem_that_says_where_it_broke()
    {
        var (status, problem) = await PostAsync("{\"name\":\"Tea\",\"amount\":");

        status.ShouldBe(HttpStatusCode.BadRequest);
        problem.ErrorFields().Single().ShouldBe("amount");
        Message(problem, "amount").ShouldContain("not well-formed JSON");
    }

    [Theory]
    [InlineData("[]")]
    [InlineData("[" + Valid + "]")]
    [InlineData("\"text\"")]
    [InlineData("17")]
    public async Task A_body_that_is_not_an_object_is_named_as_the_body(string body)
    {
        var (status, problem) = await PostAsync(body);

        status.ShouldBe(HttpStatusCode.BadRequest);
        problem.ErrorFields().ShouldBe(["body"]);
        Message(problem, "body").ShouldContain("JSON object");
    }

    [Fact]
    public async Task A_key_given_twice_is_refused_instead_of_the_last_one_winning()
    {
        var (status, problem) = await PostAsync(Valid.Replace("\"kind\":\"Retail\"", "\"kind\":\"Retail\",\"kind\":\"Wholesale\"", StringComparison.Ordinal));

        status.ShouldBe(HttpStatusCode.BadRequest);
        problem.ErrorFields().ShouldBe(["kind"]);
        Message(problem, "kind").ShouldContain("more than once");
    }

    [Fact]
    public async Task Text_longer_than_the_limit_is_refused_not_cut()
    {
        var (status, problem) = await PostAsync(With("name", $"\"{new string('x', 4001)}\""));

        status.ShouldBe(HttpStatusCode.BadRequest);
        Message(problem, "name").ShouldContain("at most 4000 characters");
    }

    [Fact]
    public async Task Free_form_values_are_checked_inside_too()
    {
        var body = Valid.TrimEnd('}') + ",\"attributes\":{\"note\":{\"inner\":[\"ok\",\"bad\\u202E\"]}}}";

        var (status, problem) = await PostAsync(body);

        status.ShouldBe(HttpStatusCode.BadRequest);
        problem.ErrorFields().ShouldBe(["attributes.note"]);
        Message(problem, "attributes.note").ShouldContain("U+202E");
    }

    [Fact]
    public async Task No_body_and_a_wrong_media_type_are_named()
    {
        var (empty, emptyProblem) = await PostAsync("");
        var request = new HttpRequestMessage(HttpMethod.Post, "/api/probe") { Content = new StringContent(Valid, Encoding.UTF8, "text/plain") };
        request.Headers.Authorization = new("Bearer", TestTokens.Internal(host.DataDir, "acme"));
        var (wrongType, wrongTypeProblem) = await ReadAsync(await host.Client.SendAsync(request));

        empty.ShouldBe(HttpStatusCode.BadRequest);
        emptyProblem.ErrorFields().ShouldBe(["body"]);
        wrongType.ShouldBe(HttpStatusCode.UnsupportedMediaType);
        wrongTypeProblem.ErrorFields().ShouldBe(["Content-Type"]);
    }

    [Theory]
    [InlineData("/api/probe?page=abc", "page", "whole number")]
    [InlineData("/api/probe?page=99999999999", "page", "whole number")]
    [InlineData("/api/probe?page=1&after=xyz", "after", "UUID")]
    [InlineData("/api/probe", "page", "required")]
    public async Task A_query_parameter_that_cannot_be_bound_is_named(string url, string field, string expected)
    {
        var response = await host.Client.GetAsync(url);

        response.StatusCode.ShouldBe(HttpStatusCode.BadRequest);
        var problem = await response.ProblemAsync();
        problem.ErrorFields().ShouldBe([field]);
        Message(problem, field).ShouldContain(expected);
    }
}
