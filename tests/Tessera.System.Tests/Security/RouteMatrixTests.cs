using System.Net;
using System.Text.RegularExpressions;
using Tessera.ServiceDefaults.Security;
using Tessera.Testing;
using Xunit.Abstractions;

namespace Tessera.System.Tests.Security;

/// <summary>
/// Who may call what, for every operation of every service's OpenAPI document through the public port: nobody without
/// a token, no role the operation does not name, and no tenant on another tenant's records. The expected roles come
/// from each operation's own metadata (x-tessera-access), so an endpoint added later is checked with no edit here.
/// </summary>
[Collection(SecurityCollection.Name)]
public sealed class RouteMatrixTests(SecurityFixture fixture, ITestOutputHelper output)
{
    /// <summary>Operations whose success ends the caller's session; they are called with a fresh sign-in each time.</summary>
    private static readonly HashSet<string> EndsTheSession = ["POST /api/auth/signout"];

    /// <summary>Operations whose path names a record tenant A cannot be made to have in a healthy run, with the reason.</summary>
    private static readonly (Regex Operation, string Reason)[] NoTenantRecord =
    [
        (new(@"^POST /api/[^/]+/messaging/parked/\{id\}/(replay|discard)$"),
            "a parked message exists only after a handler failed repeatedly; other tenants get 404 for it " +
            "(TransportConformanceTests.Operators_see_and_resolve_only_their_own_tenants_parked_messages)"),
        (new(@"^(GET|PUT) /api/finance/posting-rules/\{posting\}$|^POST /api/finance/posting-rules/\{posting\}/check$"),
            "a posting event names a rule that every tenant's books hold; a tenant reads and changes only its own versions " +
            "(AccessTests.A_posting_rule_changed_by_one_tenant_leaves_another_tenants_rule_as_it_was)"),
        (new(@"^POST /api/finance/fiscal-years/\{year\}/close$"),
            "a fiscal year is a number in each tenant's own books: closing one closes the caller's own year, never another tenant's"),
    ];

    /// <summary>
    /// Operations whose path names something every tenant has by construction rather than a record of tenant A's, with
    /// the reason: tenant B's call acts on its own.
    /// </summary>
    private static readonly (Regex Operation, string Reason)[] EveryTenantHas =
    [
        (new(@"^POST /api/reporting/uploads/\{source\}$"),
            "an upload source is a file schema every tenant has (GET /api/reporting/uploads/sources); an upload lands in the caller's own " +
            "warehouse file, and tenant B's list of uploads is checked to hold none of tenant A's"),
    ];

    private IReadOnlyList<ApiOperation> Operations => fixture.Catalog.Operations;

    private static bool IsProblem(HttpResponseMessage response) => response.Content.Headers.ContentType?.MediaType == "application/problem+json";

    [Fact]
    public async Task Every_operation_without_a_token_is_refused_with_401_and_only_the_listed_ones_are_public()
    {
        var report = new MatrixReport("no token → 401", output);
        foreach (var operation in Operations)
        {
            if (operation.Access is null)
            {
                report.Uncovered(operation, "the operation does not say who may call it (x-tessera-access)");
                continue;
            }
            var listed = RouteCatalog.Public.TryGetValue(operation.Key, out var reason);
            if (operation.Access.Anonymous)
            {
                if (listed)
                    report.Exempt(operation, "public: " + reason);
                else
                    report.Uncovered(operation, "anonymous, but not listed as public with a reason");
                continue;
            }
            if (listed)
                report.Fail(operation, "listed as public but requires a token");

            using var response = await SecurityFixture.SendAsync(fixture.Anonymous, () => MatrixRequests.Create(operation, MatrixRequests.MadeUpPath(operation)));
            if (response.StatusCode != HttpStatusCode.Unauthorized || !IsProblem(response))
                report.Fail(operation, $"answered {(int)response.StatusCode} without a token");
            using var forged = await SecurityFixture.SendAsync(fixture.Anonymous, () =>
            {
                var request = MatrixRequests.Create(operation, MatrixRequests.MadeUpPath(operation));
                request.Headers.Authorization = new("Bearer", "eyJhbGciOiJub25lIn0.eyJzdWIiOiJhZG1pbiIsInRpZCI6ImRlbW8iLCJyb2xlcyI6WyJhZG1pbiJdfQ.");
                return request;
            });
            if (forged.StatusCode != HttpStatusCode.Unauthorized)
                report.Fail(operation, $"answered {(int)forged.StatusCode} to an unsigned (alg none) token");
            report.Covered(operation, 2);
        }
        report.Conclude(Operations);
    }

    [Fact]
    public async Task Every_role_the_operation_does_not_name_is_refused_with_403_and_every_role_it_names_gets_through()
    {
        var report = new MatrixReport("roles → 403", output);
        foreach (var operation in Operations)
        {
            if (operation.Access is null)
            {
                report.Uncovered(operation, "the operation does not say who may call it (x-tessera-access)");
                continue;
            }
            if (operation.Access is not { Anonymous: false } access)
            {
                report.Exempt(operation, "public");
                continue;
            }
            foreach (var role in Roles.TenantRoles)
            {
                var allowed = access.Allows([role]);
                var client = EndsTheSession.Contains(operation.Key)
                    ? await fixture.System.SignInAsync("demo", "matrix-" + role, SecurityFixture.UserPassword)
                    : fixture.ByRole[role];
                using var response = await SecurityFixture.SendAsync(client, () => MatrixRequests.Create(operation, MatrixRequests.MadeUpPath(operation)));
                if (!allowed && (response.StatusCode != HttpStatusCode.Forbidden || !IsProblem(response)))
                    report.Fail(operation, $"role {role} (needs {access}) got {(int)response.StatusCode}, not 403");
                if (allowed && response.StatusCode is HttpStatusCode.Forbidden or HttpStatusCode.Unauthorized)
                    report.Fail(operation, $"role {role} is allowed ({access}) but got {(int)response.StatusCode}");
            }
            report.Covered(operation, Roles.TenantRoles.Count);
        }
        report.Conclude(Operations);
    }

    [Fact]
    public async Task Another_tenant_gets_404_for_every_record_of_this_tenant_and_sees_none_of_them_in_any_list()
    {
        var report = new MatrixReport("another tenant → 404", output);
        var identifiers = fixture.ResourcesA.AllIdentifiers.ToList();
        identifiers.Count.ShouldBeGreaterThan(20, "the workload should have left tenant A with records of every kind");
        foreach (var operation in Operations)
        {
            if (operation.Access is null)
            {
                report.Uncovered(operation, "the operation does not say who may call it (x-tessera-access)");
                continue;
            }
            if (operation.Access is not { Anonymous: false } access || !access.Allows(Roles.TenantRoles))
            {
                report.Exempt(operation, "not open to any tenant role (the 401 and 403 checks cover it)");
                continue;
            }
            if (!operation.PathParameters.Any())
            {
                if (operation.Method != "GET")
                {
                    report.Exempt(operation, "names no record in its address: it acts on the caller's own tenant");
                    continue;
                }
                using var list = await SecurityFixture.SendAsync(fixture.EveryRoleB, () => MatrixRequests.Create(operation, operation.Path + MatrixRequests.Query(operation)));
                var text = await list.Content.ReadAsStringAsync();
                foreach (var leaked in identifiers.Where(id => text.Contains(id, StringComparison.OrdinalIgnoreCase)))
                    report.Fail(operation, $"tenant B's answer contains tenant A's '{leaked}'");
                report.Covered(operation);
                continue;
            }

            if (EveryTenantHas.FirstOrDefault(e => e.Operation.IsMatch(operation.Key)).Reason is { } shared)
            {
                report.Exempt(operation, shared);
                continue;
            }
            var path = fixture.ResourcesA.Fill(operation);
            if (path is null)
            {
                var exemption = NoTenantRecord.FirstOrDefault(e => e.Operation.IsMatch(operation.Key));
                if (exemption.Reason is not null)
                    report.Exempt(operation, exemption.Reason);
                else
                    report.Uncovered(operation, "no record of tenant A found for its path parameters: let the workload create one, or list it with a reason");
                continue;
            }
            await CheckIsolationAsync(operation, path, report);
            report.Covered(operation);
        }
        report.Conclude(Operations);
    }

    /// <summary>
    /// Tenant B asks for tenant A's record with a body tenant A's own workload sent (or a plausible one): the answer is a
    /// 404 problem — or, where a body is checked before the record is looked up, exactly what an identifier that exists
    /// nowhere gets, so that nothing tells B the record exists — and tenant A's record reads the same afterwards.
    /// </summary>
    private async Task CheckIsolationAsync(ApiOperation operation, string path, MatrixReport report)
    {
        var body = MatrixRequests.RecordedBody(operation, fixture.Recorder.Calls)
                   ?? (operation.Body?.Schema is { } schema ? SchemaSamples.Valid(operation.Document, schema) : null);
        var item = ItemOf(operation, path);
        var before = item is null ? null : await ReadAsync(fixture.AdminA, item);

        using var theirs = await SecurityFixture.SendAsync(fixture.EveryRoleB, () => MatrixRequests.Create(operation, path + MatrixRequests.Query(operation), body));
        if (theirs.IsSuccessStatusCode && operation.Method == "PUT")
        {
            // A PUT names the key it writes ("/attributes/source"): tenant B writes its own record of that key.
            report.Note(operation, $"tenant B's PUT wrote tenant B's own record ({(int)theirs.StatusCode}); tenant A's stayed as it was");
        }
        else if (theirs.StatusCode != HttpStatusCode.NotFound || !IsProblem(theirs))
        {
            using var nowhere = await SecurityFixture.SendAsync(fixture.EveryRoleB, () => MatrixRequests.Create(operation, MatrixRequests.MadeUpPath(operation), body));
            var (status, title) = ((int)theirs.StatusCode, await TitleAsync(theirs));
            if (theirs.IsSuccessStatusCode)
                report.Fail(operation, $"tenant B got {status} for tenant A's {path}");
            else if (status != (int)nowhere.StatusCode || title != await TitleAsync(nowhere))
                report.Fail(operation, $"tenant B got {status} '{title}' for tenant A's {path} but {(int)nowhere.StatusCode} '{await TitleAsync(nowhere)}' " +
                                       "for an identifier that exists nowhere: the difference tells B the record exists");
            else
                report.Note(operation, $"answers {status} '{title}' before looking the record up, as for an identifier that exists nowhere");
        }
        if (operation.Method == "GET")
        {
            using var own = await SecurityFixture.SendAsync(fixture.AdminA, () => MatrixRequests.Create(operation, path + MatrixRequests.Query(operation)));
            if (own.StatusCode == HttpStatusCode.NotFound)
                report.Fail(operation, $"{path} is not a record of tenant A either: the matrix filled it wrongly");
        }
        if (item is not null && await ReadAsync(fixture.AdminA, item) != before)
            report.Fail(operation, $"tenant A's {item} changed after tenant B's call");
    }

    /// <summary>Where tenant A reads the record the operation addresses: its item route, or else the list it is in.</summary>
    private string? ItemOf(ApiOperation operation, string path)
    {
        if (operation.Method == "GET")
            return null;
        var firstParameter = operation.Path.IndexOf('{', StringComparison.Ordinal);
        var recordPath = path[..(path.IndexOf('/', firstParameter) is var end and > 0 ? end : path.Length)];
        var collectionPath = recordPath[..recordPath.LastIndexOf('/')];
        return fixture.ResourcesA.ItemRoute(collectionPath) is not null ? recordPath
            : fixture.Catalog.Operations.Any(o => o.Method == "GET" && o.Path == collectionPath) ? collectionPath
            : null;
    }

    private static async Task<string?> ReadAsync(HttpClient client, string path)
    {
        using var response = await SecurityFixture.SendAsync(client, () => new HttpRequestMessage(HttpMethod.Get, path));
        return $"{(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}";
    }

    private static async Task<string?> TitleAsync(HttpResponseMessage response)
    {
        try
        {
            return global::System.Text.Json.JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.GetProperty("title").GetString();
        }
        catch (Exception ex) when (ex is global::System.Text.Json.JsonException or KeyNotFoundException or InvalidOperationException)
        {
            return null;
        }
    }
}
