using System.Globalization;
using System.Net;
using Tessera.Orders.Contracts;

namespace Tessera.Cli;

/// <summary>
/// Orders for the import and search benchmarks, written as import files (docs/import.md). Order n is always the same
/// (it is derived from n alone), so files can be generated again and re-imported: existing orders are skipped. Orders
/// have one to three lines of benchmark products, customers recur (a phone number has several orders), and channels,
/// tags, placing times (over the year before <see cref="Until"/>) and a "source" extension attribute vary.
/// </summary>
public sealed class BenchOrders(string prefix, DateTimeOffset until)
{
    public const int Products = 500;
    public const int Customers = 200_000;
    public const string Attribute = "source";

    public static readonly string[] Channels = ["web", "web", "web", "pos", "pos", "api", "marketplace:shopee", "marketplace:lazada", "marketplace:tiki"];
    public static readonly string[] Tags = ["vip", "gift", "b2b", "promo", "fragile", "express"];
    public static readonly string[] Sources = ["tiktok", "facebook", "google", "email", "walk-in"];
    public static readonly string[] Words = ["jasmine", "lotus", "oolong", "arabica", "cashew", "coconut", "mango", "sesame", "ginger", "seaweed"];
    private static readonly string[] Nouns = ["tea", "coffee", "rice", "noodles", "nuts", "honey", "soap", "shampoo", "biscuits", "sauce"];
    private static readonly string[] Sizes = ["250 g", "500 g", "1 kg", "pack of 6", "family pack"];
    private static readonly string[] FamilyNames = ["Nguyễn", "Trần", "Lê", "Phạm", "Hoàng", "Huỳnh", "Phan", "Vũ", "Võ", "Đặng"];
    private static readonly string[] GivenNames = ["An", "Bình", "Chi", "Dũng", "Hà", "Hạnh", "Khoa", "Lan", "Minh", "Ngọc", "Phúc", "Quân", "Thảo", "Tuấn", "Vy"];
    private static readonly string[] Cities = ["Hà Nội", "TP Hồ Chí Minh", "Đà Nẵng", "Cần Thơ", "Hải Phòng"];

    private static readonly string[] Columns =
    [
        "channel", "external_ref", "placed_at", "customer_name", "customer_phone", "customer_email", "ship_line1", "ship_city", "ship_country",
        "sku", "quantity", "unit_price", "tax_rate", "payment_method", "tags", "attr." + Attribute,
    ];

    public DateTimeOffset Until { get; } = until;

    public static string Sku(int product) => $"BENCH-P-{product:0000}";

    public static string ProductName(int product) =>
        $"{Capitalize(Words[product % Words.Length])} {Nouns[product / Words.Length % Nouns.Length]} {Sizes[product % Sizes.Length]}";

    public static string Phone(int customer) => $"09{customer:00000000}";

    public static string Email(int customer) => $"customer{customer}@example.vn";

    public string ExternalRef(long order) => $"{prefix}-{order:0000000}";

    public static int CustomerOf(long order) => (int)(Mix(order, 1) % Customers);

    public static string ChannelOf(long order) => Channels[Mix(order, 2) % (ulong)Channels.Length];

    public static int LinesOf(long order) => 1 + (int)(order % 3);

    public DateTimeOffset PlacedAt(long order) => Until.AddMinutes(-(double)(Mix(order, 3) % (365 * 24 * 60)));

    /// <summary>Units of each product received into the benchmark warehouse: most benchmark orders can be reserved.</summary>
    public const int StockPerProduct = 8_000;

    /// <summary>Creates the benchmark products, their stock and the "source" attribute; safe to run again.</summary>
    public static async Task EnsureCatalogAsync(ApiClient api, CancellationToken cancellationToken)
    {
        using (var attribute = await api.PutAsync($"/api/orders/attributes/{Attribute}",
                   new { label = "Source", type = "choice", required = false, allowedValues = Sources }, cancellationToken))
            if (!attribute.IsSuccessStatusCode)
                throw new ApiException(attribute.StatusCode, $"Defining the '{Attribute}' attribute failed: {await ApiClient.Describe(attribute)}");

        await Parallel.ForEachAsync(Enumerable.Range(1, Products), new ParallelOptions { MaxDegreeOfParallelism = 8, CancellationToken = cancellationToken },
            async (product, ct) =>
            {
                using var response = await api.PostAsync("/api/catalog/products", new
                {
                    sku = Sku(product), name = ProductName(product), category = "Benchmark", unit = "pcs", price = 10_000m + product * 100, currency = "VND",
                }, "bench-" + Sku(product), ct);
                if (!response.IsSuccessStatusCode && response.StatusCode is not (HttpStatusCode.Conflict or HttpStatusCode.UnprocessableEntity))
                    throw new ApiException(response.StatusCode, $"Creating {Sku(product)} failed: {await ApiClient.Describe(response)}");
            });

        using (var warehouse = await api.PostAsync("/api/inventory/warehouses", new { code = "BENCH", name = "Benchmark warehouse" }, "bench-warehouse", cancellationToken))
            if (!warehouse.IsSuccessStatusCode && warehouse.StatusCode is not (HttpStatusCode.Conflict or HttpStatusCode.UnprocessableEntity))
                throw new ApiException(warehouse.StatusCode, $"Creating the benchmark warehouse failed: {await ApiClient.Describe(warehouse)}");
        using var receipt = await api.PostAsync("/api/inventory/receipts", new
        {
            warehouse = "BENCH",
            reference = "bench-stock",
            lines = Enumerable.Range(1, Products).Select(p => new { sku = Sku(p), quantity = StockPerProduct, unitCost = 8_000m }),
        }, "bench-stock", cancellationToken);
        if (!receipt.IsSuccessStatusCode && receipt.StatusCode != HttpStatusCode.UnprocessableEntity)
            throw new ApiException(receipt.StatusCode, $"Receiving the benchmark stock failed: {await ApiClient.Describe(receipt)}");
    }

    /// <summary>
    /// Writes orders from <paramref name="firstOrder"/> until the file has <paramref name="lines"/> rows. With
    /// <paramref name="badEvery"/> &gt; 0, every such row is a one-line order with a mistake (unknown SKU, zero quantity,
    /// or a price with a decimal comma). Returns the orders written and the rows that are bad.
    /// </summary>
    public (long Orders, int BadRows) Write(TextWriter writer, long firstOrder, int lines, int badEvery = 0)
    {
        writer.Write(CsvLine.Of(Columns));
        writer.Write('\n');
        var (row, bad, order) = (0, 0, firstOrder);
        var fields = new string?[Columns.Length];
        while (row < lines)
        {
            var mistake = badEvery > 0 && (row + 1) % badEvery == 0;
            var count = mistake ? 1 : Math.Min(LinesOf(order), lines - row);
            if (badEvery > 0 && !mistake)
                count = Math.Min(count, badEvery - (row + 1) % badEvery); // the bad row gets an order of its own
            for (var line = 0; line < count; line++)
            {
                Fill(fields, order, line, mistake ? bad % 3 + 1 : 0);
                writer.Write(CsvLine.Of(fields));
                writer.Write('\n');
                row++;
            }
            bad += mistake ? 1 : 0;
            order++;
        }
        return (order - firstOrder, bad);
    }

    private void Fill(string?[] fields, long order, int line, int mistake)
    {
        var customer = CustomerOf(order);
        var product = 1 + (int)((Mix(order, 4) + (ulong)line * 37) % Products);
        var tags = (Mix(order, 5) % 4) switch
        {
            0 => "",
            1 => Tags[Mix(order, 6) % (ulong)Tags.Length],
            _ => Tags[Mix(order, 6) % (ulong)Tags.Length] + ";" + Tags[Mix(order, 7) % (ulong)Tags.Length],
        };
        fields[0] = ChannelOf(order);
        fields[1] = ExternalRef(order);
        fields[2] = PlacedAt(order).ToString("yyyy-MM-dd'T'HH:mm:ss'+00:00'", CultureInfo.InvariantCulture);
        fields[3] = $"{FamilyNames[customer % FamilyNames.Length]} {GivenNames[customer / FamilyNames.Length % GivenNames.Length]}";
        fields[4] = Phone(customer);
        fields[5] = Email(customer);
        fields[6] = $"{1 + customer % 300} Đường số {1 + customer % 40}";
        fields[7] = Cities[customer % Cities.Length];
        fields[8] = "VN";
        fields[9] = mistake == 1 ? "BENCH-NO-SUCH-SKU" : Sku(product);
        fields[10] = mistake == 2 ? "0" : (1 + line).ToString(CultureInfo.InvariantCulture);
        fields[11] = mistake == 3 ? "12,5" : (10_000 + product * 100).ToString(CultureInfo.InvariantCulture);
        fields[12] = "0.08";
        fields[13] = Mix(order, 8) % 2 == 0 ? "cod" : "card";
        fields[14] = tags;
        fields[15] = Mix(order, 9) % 3 == 0 ? "" : Sources[Mix(order, 10) % (ulong)Sources.Length];
    }

    /// <summary>A well-mixed number from an order and a purpose (splitmix64): independent choices per order.</summary>
    public static ulong Mix(long order, int purpose)
    {
        var z = unchecked((ulong)order * 0x9E3779B97F4A7C15UL + (ulong)purpose * 0xBF58476D1CE4E5B9UL);
        z = unchecked((z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL);
        z = unchecked((z ^ (z >> 27)) * 0x94D049BB133111EBUL);
        return z ^ (z >> 31);
    }

    private static string Capitalize(string word) => char.ToUpperInvariant(word[0]) + word[1..];
}
