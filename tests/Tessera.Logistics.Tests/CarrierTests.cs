using System.Net;
using System.Net.Http.Json;
using Tessera.Logistics.Contracts;
using Tessera.Logistics.Data;
using Tessera.ServiceDefaults.Json;
using Tessera.ServiceDefaults.Security;
using Tessera.Testing;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Tessera.Logistics.Tests;

public sealed class CarrierTests(LogisticsFactory factory) : IClassFixture<LogisticsFactory>
{
    [Fact]
    public async Task A_carrier_is_created_with_its_secret_shown_once_and_stored_encrypted()
    {
        var logistics = new Logistics(factory);

        var response = await logistics.As(Roles.Warehouse).PostJsonAsync("/api/logistics/carriers", new
        {
            code = "ghn", name = "Giao Hang Nhanh", trackingUrlTemplate = "https://track.example/{waybill}", serviceLevels = new[] { "Standard", "express" }, isDefault = true,
        });

        response.StatusCode.ShouldBe(HttpStatusCode.Created);
        response.Headers.Location!.ToString().ShouldBe("/api/logistics/carriers/GHN");
        var created = await response.ReadAsync<CarrierSecretDto>();
        created.WebhookSecret.ShouldStartWith("whsec_");
        created.Carrier.ShouldSatisfyAllConditions(
            c => (c.Code, c.Name, c.TrackingUrlTemplate, c.IsDefault, c.Version, c.SecretRotatedAt).ShouldBe(("GHN", "Giao Hang Nhanh", "https://track.example/{waybill}", true, 1L, (DateTimeOffset?)null)),
            c => c.ServiceLevels.ShouldBe(["standard", "express"]));
        (await logistics.Admin.GetStringAsync("/api/logistics/carriers/ghn")).ShouldNotContain(created.WebhookSecret);
        (await logistics.Admin.GetStringAsync("/api/logistics/carriers")).ShouldNotContain("whsec_");
        var stored = await factory.QueryAsync(logistics.Tenant, db => db.Carriers.SingleAsync());
        stored.WebhookSecret.ShouldStartWith("pd1.");
        stored.WebhookSecret.ShouldNotContain(created.WebhookSecret["whsec_".Length..]);
    }

    [Fact]
    public async Task Carrier_input_is_validated_field_by_field_and_codes_are_unique()
    {
        var logistics = new Logistics(factory);
        await logistics.CarrierAsync("GHN");

        var invalid = await logistics.Admin.PostJsonAsync("/api/logistics/carriers", new
        {
            code = "no spaces", name = "", trackingUrlTemplate = "ftp://track.example/x", serviceLevels = new[] { "standard", "STANDARD", "bad level" },
        });
        var duplicate = await logistics.Admin.PostJsonAsync("/api/logistics/carriers", new
        {
            code = "ghn", name = "Again", trackingUrlTemplate = "https://x.example/{waybill}", serviceLevels = new[] { "standard" },
        });
        var noLevels = await logistics.Admin.PostJsonAsync("/api/logistics/carriers", new { code = "X1", name = "X", trackingUrlTemplate = "https://x.example/{waybill}" });

        (await invalid.ProblemAsync()).ErrorFields().ShouldBe(["code", "name", "trackingUrlTemplate", "serviceLevels", "serviceLevels[2]"], ignoreOrder: true);
        duplicate.StatusCode.ShouldBe(HttpStatusCode.Conflict);
        (await noLevels.ProblemAsync()).ErrorFields().ShouldBe(["serviceLevels"]);
        (await logistics.As(Roles.Sales).PostJsonAsync("/api/logistics/carriers", new { code = "S1", name = "S", trackingUrlTemplate = "https://x.example/{waybill}", serviceLevels = new[] { "standard" } }))
            .StatusCode.ShouldBe(HttpStatusCode.Forbidden);
    }

    [Fact]
    public async Task Carriers_created_at_once_keep_codes_unique_and_one_default()
    {
        var logistics = new Logistics(factory);
        object Carrier(string code) => new { code, name = code, trackingUrlTemplate = "https://x.example/{waybill}", serviceLevels = new[] { "standard" }, isDefault = true };

        var sameCode = await Task.WhenAll(Enumerable.Range(0, 10).Select(_ => logistics.Admin.PostJsonAsync("/api/logistics/carriers", Carrier("VTP"))));
        var eachDefault = await Task.WhenAll(Enumerable.Range(0, 10).Select(i => logistics.Admin.PostJsonAsync("/api/logistics/carriers", Carrier($"C{i}"))));

        sameCode.Count(r => r.StatusCode == HttpStatusCode.Created).ShouldBe(1);
        sameCode.Count(r => r.StatusCode == HttpStatusCode.Conflict).ShouldBe(9);
        eachDefault.ShouldAllBe(r => r.StatusCode == HttpStatusCode.Created);
        var carriers = await factory.QueryAsync(logistics.Tenant, db => db.Carriers.AsNoTracking().ToListAsync());
        carriers.Count.ShouldBe(11);
        carriers.Count(c => c.IsDefault).ShouldBe(1);
    }

    [Fact]
    public async Task One_carrier_is_the_default_at_a_time_and_changes_keep_to_if_match()
    {
        var logistics = new Logistics(factory);
        await logistics.CarrierAsync("AAA", isDefault: true);
        await logistics.CarrierAsync("BBB", isDefault: true);
        var read = await logistics.Admin.GetAsync("/api/logistics/carriers/AAA");

        var carriers = await logistics.Admin.GetFromJsonAsync<List<CarrierDto>>("/api/logistics/carriers", TesseraJson.Options);
        carriers!.Select(c => (c.Code, c.IsDefault)).ShouldBe([("AAA", false), ("BBB", true)]);

        var update = new HttpRequestMessage(HttpMethod.Put, "/api/logistics/carriers/AAA")
        {
            Content = JsonContent.Create(new { name = "A again", trackingUrlTemplate = "https://a.example/{waybill}", serviceLevels = new[] { "standard" }, isDefault = true }),
        };
        update.Headers.IfMatch.Add(read.Headers.ETag!);
        var updated = await (await logistics.Admin.SendAsync(update)).ReadAsync<CarrierDto>();
        var stale = new HttpRequestMessage(HttpMethod.Put, "/api/logistics/carriers/AAA")
        {
            Content = JsonContent.Create(new { name = "Lost", trackingUrlTemplate = "https://a.example/{waybill}", serviceLevels = new[] { "standard" } }),
        };
        stale.Headers.IfMatch.Add(read.Headers.ETag!);

        (updated.Name, updated.IsDefault).ShouldBe(("A again", true));
        (await logistics.Admin.SendAsync(stale)).StatusCode.ShouldBe(HttpStatusCode.PreconditionFailed);
        (await logistics.Admin.GetFromJsonAsync<List<CarrierDto>>("/api/logistics/carriers", TesseraJson.Options))!
            .Select(c => (c.Code, c.Name, c.IsDefault)).ShouldBe([("AAA", "A again", true), ("BBB", "BBB Express", false)]);
    }

    [Fact]
    public async Task A_replayed_create_answers_the_same_secret_and_creates_one_carrier()
    {
        var logistics = new Logistics(factory);
        var body = new CarrierBody("IDEM", "Idem", "https://x.example/{waybill}", ["standard"]);

        var first = await (await logistics.Admin.PostJsonAsync("/api/logistics/carriers", body, "carrier-key")).ReadAsync<CarrierSecretDto>();
        var second = await logistics.Admin.PostJsonAsync("/api/logistics/carriers", body, "carrier-key");

        second.Headers.GetValues("Idempotent-Replayed").Single().ShouldBe("true");
        (await second.ReadAsync<CarrierSecretDto>()).WebhookSecret.ShouldBe(first.WebhookSecret);
        (await factory.QueryAsync(logistics.Tenant, db => db.Carriers.CountAsync())).ShouldBe(1);
        // The stored answer of the key never holds the secret in plain text.
        (await factory.QueryAsync(logistics.Tenant, db => db.IdempotencyRecords.SingleAsync(r => r.Key == "carrier-key"))).ResponseBody.ShouldNotContain("whsec_");

        var otherBody = await logistics.Admin.PostJsonAsync("/api/logistics/carriers", body with { Name = "Other" }, "carrier-key");
        (await logistics.Admin.PostJsonAsync("/api/logistics/carriers/IDEM/rotate-secret", new { })).EnsureSuccessStatusCode();
        var afterRotation = await logistics.Admin.PostJsonAsync("/api/logistics/carriers", body, "carrier-key");

        otherBody.StatusCode.ShouldBe(HttpStatusCode.UnprocessableEntity);
        afterRotation.StatusCode.ShouldBe(HttpStatusCode.Conflict);
        (await afterRotation.Content.ReadAsStringAsync()).ShouldNotContain("whsec_");
    }

    [Fact]
    public void The_migrations_create_every_mapped_table_and_column()
    {
        using var scope = factory.Services.CreateScope();
        SchemaAssert.MatchesModel(scope.ServiceProvider.GetRequiredService<LogisticsDbContext>());
    }
}

/// <summary>A carrier creation body, as the API takes it.</summary>
public sealed record CarrierBody(string Code, string Name, string TrackingUrlTemplate, string[] ServiceLevels);
