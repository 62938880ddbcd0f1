using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.TestHost;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Tessera.Catalog.Contracts;
using Tessera.Catalog.Data;
using Tessera.ServiceDefaults.Data;
using Tessera.Testing;

namespace Tessera.Catalog.Tests;

/// <summary>
/// Expand/contract (docs/adr/0031): during a rolling upgrade version N and N+1 of a service run side by side on one
/// database, and N+1 has already applied its migrations. N+1 here is this catalog plus what its next release brings —
/// an expand-only migration (NextRelease/sqlite and NextRelease/postgres: a nullable column and a new table) and a feature that uses them.
/// </summary>
public sealed class ExpandContractTests
{
    private const string Tenant = "acme";
    private const string Barcode = "8930000000017";

    private static object Product(string sku, decimal price = 120000m) =>
        new { sku, name = $"Product {sku}", category = "Beverages", unit = "pcs", price, currency = "VND" };

    private static string NewSku() => "SKU-" + Guid.NewGuid().ToString("N")[..10].ToUpperInvariant();

    [Fact]
    public async Task Version_N_and_N_plus_1_serve_side_by_side_on_a_database_that_N_plus_1_expanded()
    {
        using var n = new CatalogFactory();
        var versionN = n.ClientFor(Tenant);
        var made = NewSku();
        (await versionN.PostJsonAsync("/api/catalog/products", Product(made))).StatusCode.ShouldBe(HttpStatusCode.Created);

        // N+1 starts on N's database and expands it while N serves.
        using var next = new NextCatalogFactory(n.DataDir);
        var versionNext = next.ClientFor(Tenant);
        (await versionNext.GetAsync("/health/self")).StatusCode.ShouldBe(HttpStatusCode.OK);
        var applied = await next.QueryAsync(null, db => db.Database.SqlQuery<string>($"SELECT id AS \"Value\" FROM schema_migrations").ToListAsync());
        applied.ShouldContain(NextCatalogFactory.Expand);

        // N+1's new feature works on a product N created, and N+1 serves the old API as well.
        (await versionNext.PutAsync($"/next/barcodes/{made}?barcode={Barcode}", null)).StatusCode.ShouldBe(HttpStatusCode.NoContent);
        var madeByNext = NewSku();
        (await versionNext.PostJsonAsync("/api/catalog/products", Product(madeByNext))).StatusCode.ShouldBe(HttpStatusCode.Created);

        // N keeps working on the expanded schema: it reads what N+1 wrote and updates a row that has a column N does not know.
        (await versionN.GetAsync($"/api/catalog/products/{madeByNext}")).StatusCode.ShouldBe(HttpStatusCode.OK);
        var read = await versionN.GetAsync($"/api/catalog/products/{made}");
        var update = new HttpRequestMessage(HttpMethod.Put, $"/api/catalog/products/{made}")
        {
            Content = JsonContent.Create(new { name = "Renamed by N", category = "Beverages", unit = "pcs", price = 99000m, currency = "VND" }),
        };
        update.Headers.IfMatch.Add(new EntityTagHeaderValue(read.Headers.ETag!.Tag));
        var updated = await versionN.SendAsync(update);
        updated.StatusCode.ShouldBe(HttpStatusCode.OK, await updated.Content.ReadAsStringAsync());

        // N's write kept N+1's data, and N+1 sees N's write.
        (await versionNext.GetStringAsync($"/next/barcodes/{made}")).ShouldBe(Barcode);
        var seenByNext = await (await versionNext.GetAsync($"/api/catalog/products/{made}")).ReadAsync<ProductDto>();
        (seenByNext.Name, seenByNext.Price).ShouldBe(("Renamed by N", 99000m));

        // N started again on the expanded database (rolled back to, or restarted mid-upgrade) is ready and serves:
        // migrations it does not know are someone else's, not a reason to refuse.
        using var restarted = new SharedCatalogFactory(n.DataDir);
        var again = restarted.ClientFor(Tenant);
        (await again.GetAsync("/health/self")).StatusCode.ShouldBe(HttpStatusCode.OK);
        var madeByRestarted = NewSku();
        (await again.PostJsonAsync("/api/catalog/products", Product(madeByRestarted))).StatusCode.ShouldBe(HttpStatusCode.Created);
        (await versionNext.PutAsync($"/next/barcodes/{madeByRestarted}?barcode={Barcode}", null)).StatusCode.ShouldBe(HttpStatusCode.NoContent);
        (await versionNext.GetStringAsync($"/next/barcodes/{madeByRestarted}")).ShouldBe(Barcode);
    }

    private sealed class SharedCatalogFactory(string dataDir) : ServiceFactory<Program, CatalogDbContext>(dataDir);

    /// <summary>The catalog's next release: its expand migration and a feature on the new column and table.</summary>
    private sealed class NextCatalogFactory(string dataDir) : ServiceFactory<Program, CatalogDbContext>(dataDir)
    {
        public const string Expand = "catalog-next/0001_product_barcodes.sql";

        protected override void ConfigureWebHost(IWebHostBuilder builder)
        {
            base.ConfigureWebHost(builder);
            builder.ConfigureTestServices(services =>
            {
                var migrations = (DatabaseMigrations<CatalogDbContext>)services
                    .Single(d => d.ServiceType == typeof(DatabaseMigrations<CatalogDbContext>)).ImplementationInstance!;
                migrations.Catalog.Add("catalog-next", typeof(NextCatalogFactory).Assembly, "next-release");
                services.AddSingleton<IStartupFilter, BarcodeFeature>();
            });
        }
    }

    /// <summary>N+1's feature: PUT /next/barcodes/{sku}?barcode= sets a product's barcode and records it; GET reads it.</summary>
    private sealed class BarcodeFeature : IStartupFilter
    {
        public Action<IApplicationBuilder> Configure(Action<IApplicationBuilder> next) => app =>
        {
            app.Map("/next/barcodes", feature => feature.Run(HandleAsync));
            next(app);
        };

        private static async Task HandleAsync(HttpContext context)
        {
            var sku = context.Request.Path.Value!.Trim('/');
            var db = context.RequestServices.GetRequiredService<CatalogDbContext>();
            if (HttpMethods.IsGet(context.Request.Method))
            {
                var barcode = await db.Database
                    .SqlQuery<string?>($"SELECT barcode AS \"Value\" FROM products WHERE tenant_id = {Tenant} AND sku = {sku}").SingleOrDefaultAsync();
                await context.Response.WriteAsync(barcode ?? "");
                return;
            }
            var value = context.Request.Query["barcode"].ToString();
            await using var transaction = await db.BeginWriteAsync(context.RequestAborted);
            var changed = await db.Database.ExecuteSqlAsync(
                $"UPDATE products SET barcode = {value} WHERE tenant_id = {Tenant} AND sku = {sku}", context.RequestAborted);
            await db.Database.ExecuteSqlAsync(
                $"INSERT INTO product_barcode_history (tenant_id, sku, barcode, set_at) VALUES ({Tenant}, {sku}, {value}, {DateTimeOffset.UtcNow.ToUnixTimeMilliseconds()})",
                context.RequestAborted);
            await transaction.CommitAsync(context.RequestAborted);
            context.Response.StatusCode = changed == 1 ? StatusCodes.Status204NoContent : StatusCodes.Status404NotFound;
        }
    }
}
