using System.Net;
using System.Net.Http.Json;
using System.Text;
using Tessera.Reporting.Contracts;
using Tessera.ServiceDefaults.Json;
using Tessera.Testing;

namespace Tessera.Reporting.Tests;

/// <summary>The ODS's other sources: file uploads checked against their kind's columns, and monthly targets entered by hand.</summary>
public sealed class SourcesTests(ReportingFactory factory) : IClassFixture<ReportingFactory>
{
    private static HttpContent Csv(string text) => new StringContent(text, Encoding.UTF8, "text/csv");

    [Fact]
    public async Task A_settlement_report_lands_in_the_ods_with_only_its_declared_columns_once()
    {
        var shop = new Shop(factory);
        const string file = "settlement_date,marketplace,order_ref,gross_amount,fee_amount,payout_amount,currency,buyer_name\n" +
                            "2026-07-06,shopee,SP-1,150000,7500,142500,VND,Zyxcanary Buyer\n" +
                            "2026-07-07,shopee,\"SP-2, gift\",50000.5,2500,47500.5,VND,Another Buyer\n";

        var response = await shop.Client.PostAsync("/api/reporting/uploads/marketplace_settlement?fileName=shopee-july.csv", Csv(file));

        response.StatusCode.ShouldBe(HttpStatusCode.Created, await response.Content.ReadAsStringAsync());
        var upload = await response.ReadAsync<UploadDto>();
        (upload.Rows, upload.FirstDate, upload.LastDate, upload.FileName).ShouldBe((2, new DateOnly(2026, 7, 6), new DateOnly(2026, 7, 7), "shopee-july.csv"));
        (await shop.Client.PostAsync("/api/reporting/uploads/marketplace_settlement?fileName=again.csv", Csv(file))).StatusCode.ShouldBe(HttpStatusCode.Conflict);

        await shop.RunAsync(factory, new { models = new[] { "ods_settlements" } });
        await shop.AddModelOkAsync("ads_settlements", "-- layer: ads\nselect order_ref, gross_amount, fee_amount, payout_amount, business_date from {{ ref('ods_settlements') }}");
        await shop.RunAsync(factory, new { models = new[] { "ads_settlements" } });
        var rows = (await shop.MetricAsync("/api/reporting/metrics/settlements?from=2026-07-01&to=2026-07-31")).GetProperty("rows").EnumerateArray().ToList();
        rows.Select(r => (r.GetProperty("orderRef").GetString(), r.GetProperty("payoutAmount").GetDecimal())).ShouldBe([("SP-1", 142500m), ("SP-2, gift", 47500.5m)]);
        (await shop.MetricAsync("/api/reporting/metrics/settlements")).ToString().ShouldNotContain("Buyer");
    }

    [Fact]
    public async Task A_file_that_does_not_fit_its_kind_is_refused_whole_naming_each_row_and_column()
    {
        var shop = new Shop(factory);
        const string file = "spend_date,channel,amount,currency\n2026-07-06,facebook,abc,VND\n07/07/2026,,100,VND\n";

        var response = await shop.Client.PostAsync("/api/reporting/uploads/ad_spend", Csv(file));

        response.StatusCode.ShouldBe(HttpStatusCode.BadRequest);
        var errors = (await response.ProblemAsync()).GetProperty("errors");
        errors.GetProperty("rows[1].amount")[0].GetString().ShouldBe("'abc' is not a number (a dot before the decimals, no thousands separators).");
        errors.GetProperty("rows[2].spend_date")[0].GetString().ShouldBe("'07/07/2026' is not a date (yyyy-MM-dd).");
        errors.GetProperty("rows[2].channel")[0].GetString().ShouldBe("channel is required.");
        (await shop.Client.GetFromJsonAsync<List<UploadDto>>("/api/reporting/uploads", TesseraJson.Options))!.ShouldBeEmpty();
        (await shop.Client.PostAsync("/api/reporting/uploads/no_such_kind", Csv(file))).StatusCode.ShouldBe(HttpStatusCode.NotFound);
        var json = await shop.Client.PostAsync("/api/reporting/uploads/ad_spend",
            new StringContent("""[{"spend_date":"2026-07-06","channel":"google","amount":120000,"currency":"VND"}]""", Encoding.UTF8, "application/json"));
        json.StatusCode.ShouldBe(HttpStatusCode.Created, await json.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task Monthly_targets_entered_by_hand_meet_the_sales_they_are_for()
    {
        var shop = new Shop(factory);
        var day = new DateOnly(2026, 8, 3);
        await shop.ProductAsync("TEA", "Green tea", "Beverages", Shop.At(day, 0));
        await shop.PlaceAsync(Shop.At(day, 9), "web", [new("TEA", 2m, 250000m)]);
        await factory.WaitForOdsAsync();
        (await shop.Client.PutAsJsonAsync("/api/reporting/targets/2026-08", new { amount = 400000m, currency = "VND" })).EnsureSuccessStatusCode();
        (await shop.Client.PutAsJsonAsync("/api/reporting/targets/2026-08", new { amount = 1000000m, currency = "VND" })).EnsureSuccessStatusCode();
        var invalid = await shop.Client.PutAsJsonAsync("/api/reporting/targets/2026-13", new { amount = -1m, currency = "dong" });
        (await invalid.ProblemAsync()).ErrorFields().ShouldBe(["month", "amount", "currency"], ignoreOrder: true);

        await shop.RunAsync(factory, new { from = day, to = day });

        var target = (await shop.MetricAsync("/api/reporting/metrics/sales_vs_target_monthly?from=2026-08&to=2026-08")).GetProperty("rows").EnumerateArray().Single();
        (target.GetProperty("target").GetDecimal(), target.GetProperty("gmv").GetDecimal(), target.GetProperty("attainment").GetDecimal()).ShouldBe((1000000m, 500000m, 0.5m));
        (await shop.Client.GetFromJsonAsync<List<SalesTargetDto>>("/api/reporting/targets", TesseraJson.Options))!.ShouldHaveSingleItem().Amount.ShouldBe(1000000m);
    }
}
