using System.Net;

namespace Tessera.Procurement.Tests;

public sealed class StartupTests(ProcurementFactory factory) : IClassFixture<ProcurementFactory>
{
    [Fact]
    public async Task The_service_applies_its_migrations_and_reports_ready()
    {
        var response = await factory.CreateClient().GetAsync("/health/ready");

        response.StatusCode.ShouldBe(HttpStatusCode.OK, await response.Content.ReadAsStringAsync());
    }
}
