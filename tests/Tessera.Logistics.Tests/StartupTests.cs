using System.Net;

namespace Tessera.Logistics.Tests;

public sealed class StartupTests(LogisticsFactory factory) : IClassFixture<LogisticsFactory>
{
    [Fact]
    public async Task The_service_applies_its_migrations_and_reports_ready()
    {
        var response = await factory.CreateClient().GetAsync("/health/ready");

        response.StatusCode.ShouldBe(HttpStatusCode.OK, await response.Content.ReadAsStringAsync());
    }
}
