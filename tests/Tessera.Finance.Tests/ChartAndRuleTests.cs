using Tessera.Finance.Domain;
using Tessera.Testing;

namespace Tessera.Finance.Tests;

/// <summary>Chart templates and posting rules as data: loaded and checked at start, every problem naming its file and line.</summary>
public sealed class ChartAndRuleTests
{
    private static string ChartsFolder => Path.Combine(AppContext.BaseDirectory, "Charts");

    [Fact]
    public void Both_shipped_charts_load_and_every_posting_event_has_a_rule_that_balances()
    {
        var catalog = ChartCatalog.Load(ChartsFolder);

        catalog.Names.ShouldBe([ChartTemplate.Ifrs, ChartTemplate.Vietnam], ignoreOrder: true);
        foreach (var name in catalog.Names)
            catalog.Get(name).Rules.Keys.ShouldBe(PostingEvents.All.Select(e => e.Key), ignoreOrder: true);
    }

    [Theory]
    [InlineData("156", "Hàng hóa", "inventory")]
    [InlineData("157", "Hàng gửi đi bán", "goods-in-transit")]
    [InlineData("131", "Phải thu của khách hàng", "receivable")]
    [InlineData("331", "Phải trả cho người bán", "payable")]
    [InlineData("3388", "Phải trả, phải nộp khác", null)]
    [InlineData("33311", "Thuế GTGT đầu ra", null)]
    [InlineData("1331", "Thuế GTGT được khấu trừ của hàng hóa, dịch vụ", null)]
    [InlineData("3381", "Tài sản thừa chờ giải quyết", null)]
    [InlineData("1381", "Tài sản thiếu chờ xử lý", null)]
    [InlineData("511", "Doanh thu bán hàng và cung cấp dịch vụ", null)]
    [InlineData("521", "Các khoản giảm trừ doanh thu", null)]
    [InlineData("632", "Giá vốn hàng bán", null)]
    [InlineData("112", "Tiền gửi không kỳ hạn", null)]
    [InlineData("911", "Xác định kết quả kinh doanh", "income-summary")]
    [InlineData("4212", "Lợi nhuận sau thuế chưa phân phối năm nay", "current-year-result")]
    public void The_Vietnamese_chart_has_the_accounts_the_postings_use_with_their_names_in_Circular_99(string code, string nameVi, string? role)
    {
        var account = ChartCatalog.Load(ChartsFolder).Get(ChartTemplate.Vietnam).ByCode[code];

        (account.NameVi, account.Role).ShouldBe((nameVi, role));
    }

    [Fact]
    public void A_broken_template_stops_the_start_naming_each_file_and_line()
    {
        using var folder = new TempDirectory("charts");
        foreach (var chart in new[] { ChartTemplate.Vietnam, ChartTemplate.Ifrs })
        {
            Directory.CreateDirectory(Path.Combine(folder.Path, chart));
            foreach (var file in new[] { "accounts.csv", "posting-rules.md" })
                File.Copy(Path.Combine(ChartsFolder, chart, file), Path.Combine(folder.Path, chart, file));
        }
        var rules = Path.Combine(folder.Path, ChartTemplate.Vietnam, "posting-rules.md");
        var text = File.ReadAllLines(rules).ToList();
        var receipt = text.FindIndex(l => l.StartsWith("| goods-received | credit | 3388", StringComparison.Ordinal));
        text[receipt] = "| goods-received | credit | 3389 | value | |";
        var invoice = text.FindIndex(l => l.StartsWith("| invoice-issued | credit | 33311", StringComparison.Ordinal));
        text[invoice] = "| invoice-issued | credit | 33311 | tax + shipping | |";
        File.WriteAllLines(rules, text);

        var error = Should.Throw<InvalidDataException>(() => ChartCatalog.Load(folder.Path));

        error.Message.ShouldContain($"vn-tt99/posting-rules.md line {receipt + 1}: account '3389' is not in the chart of accounts.");
        error.Message.ShouldContain("(invoice-issued): The rule cannot balance: debits − credits = -shipping");
    }

    [Fact]
    public void An_amount_is_a_sum_of_the_events_fields_and_anything_else_is_refused_with_the_reason()
    {
        AmountExpression.TryParse("goods + shipping - 0.5 * tax", out _)!.Terms
            .ShouldBe(new Dictionary<string, decimal> { ["goods"] = 1, ["shipping"] = 1, ["tax"] = -0.5m });
        AmountExpression.TryParse("value +", out var dangling).ShouldBeNull();
        dangling.ShouldBe("'value +' ends with an operator.");
        AmountExpression.TryParse("100", out var constant).ShouldBeNull();
        constant!.ShouldContain("amounts come from the event");
    }

    [Fact]
    public void A_rule_is_proved_to_balance_for_every_event_through_its_derived_fields()
    {
        var invoice = PostingEvents.Get(PostingEvents.InvoiceIssued);
        AccountRef? Chart(string code) => code is "131" or "511" or "33311" ? new AccountRef(code, true, "asset", null) : null;

        RuleValidation.Validate(invoice, [
            new RuleLine("debit", "131", "total"), new RuleLine("credit", "511", "goods + shipping"), new RuleLine("credit", "33311", "tax"),
        ], Chart).ShouldBeEmpty();
        var missingTax = RuleValidation.Validate(invoice, [new RuleLine("debit", "131", "total"), new RuleLine("credit", "511", "goods + shipping")], Chart);
        missingTax.ShouldHaveSingleItem().Message.ShouldBe(
            "The rule cannot balance: debits − credits = tax (an event with tax = 1 and the rest 0 would post 1 more on the debit side).");
        var unknown = RuleValidation.Validate(invoice, [new RuleLine("debit", "131", "total"), new RuleLine("credit", "5111", "total")], Chart);
        unknown.ShouldHaveSingleItem().ShouldBe((2, "account '5111' is not in the chart of accounts."));
        var field = RuleValidation.Validate(invoice, [new RuleLine("debit", "131", "value"), new RuleLine("credit", "511", "value")], Chart);
        field.Select(e => e.Message).ShouldAllBe(m => m.StartsWith("amount uses 'value', which invoice-issued does not have", StringComparison.Ordinal));
    }
}
