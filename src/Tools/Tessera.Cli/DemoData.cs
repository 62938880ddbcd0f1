namespace Tessera.Cli;

public sealed record DemoProduct(string Sku, string Name, string Category, string Unit, decimal Price);

public sealed record DemoWarehouse(string Code, string Name);

public sealed record DemoReceipt(string Key, string Warehouse, IReadOnlyList<(string Sku, decimal Quantity, decimal UnitCost)> Lines);

public sealed record DemoOrder(string Key, string Channel, string? ExternalRef, DateTimeOffset PlacedAt, string Customer, string Phone,
    IReadOnlyList<(string Sku, decimal Quantity, decimal UnitPrice)> Lines, bool Cancel);

/// <summary>
/// The demo data set. Everything comes from one seeded random generator and a fixed reference date, so every run
/// produces the same products, stock and orders, and every write carries a key derived from it: re-running adds nothing.
/// </summary>
public sealed class DemoData
{
    private static readonly (string Code, string Category, string Unit, string[] Items, int MinPrice, int MaxPrice)[] Catalog =
    [
        ("BEV", "Beverages", "bottle", ["Green tea", "Jasmine tea", "Iced coffee", "Coconut water", "Orange juice", "Soy milk", "Mineral water", "Lemon soda"], 8_000, 65_000),
        ("SNK", "Snacks", "pack", ["Rice crackers", "Dried mango", "Cashew nuts", "Seaweed chips", "Peanut candy", "Banana chips", "Coconut biscuits"], 12_000, 120_000),
        ("HOU", "Household", "pcs", ["Dish soap", "Laundry powder", "Bamboo broom", "Kitchen towel", "Glass cleaner", "Sponge set"], 15_000, 180_000),
        ("PER", "Personal care", "pcs", ["Shampoo", "Toothpaste", "Body wash", "Sunscreen", "Hand cream", "Face mask"], 20_000, 350_000),
        ("ELE", "Electronics accessories", "pcs", ["USB-C cable", "Phone charger", "Power bank", "Earbuds", "Phone case", "Screen protector"], 45_000, 890_000),
        ("STA", "Stationery", "pcs", ["Notebook A5", "Gel pen", "Sticky notes", "Highlighter", "Ruler 30 cm"], 5_000, 60_000),
    ];

    private static readonly string[] Variants = ["250 g", "500 g", "1 kg", "small", "large", "family pack"];
    private static readonly string[] FamilyNames = ["Nguyễn", "Trần", "Lê", "Phạm", "Hoàng", "Huỳnh", "Phan", "Vũ", "Võ", "Đặng"];
    private static readonly string[] GivenNames = ["An", "Bình", "Chi", "Dũng", "Hà", "Hạnh", "Khoa", "Lan", "Minh", "Ngọc", "Phúc", "Quân", "Thảo", "Tuấn", "Vy"];
    private static readonly string[] Channels = ["web", "web", "web", "pos", "pos", "api", "marketplace:shopee", "marketplace:lazada"];

    /// <param name="until">Orders are spread over the fourteen days before this moment.</param>
    public DemoData(int seed, int orderCount, DateTimeOffset until)
    {
        var random = new Random(seed);
        Warehouses = [new("HCM", "Ho Chi Minh City DC"), new("HN", "Ha Noi DC"), new("DN", "Da Nang hub")];

        var products = new List<DemoProduct>();
        foreach (var (code, category, unit, items, min, max) in Catalog)
            for (var i = 0; i < items.Length * 3; i++)
            {
                var name = $"{items[i % items.Length]} {Variants[(i / items.Length + i) % Variants.Length]}";
                var price = Math.Round(random.Next(min, max) / 1000m) * 1000m;
                products.Add(new DemoProduct($"DEMO-{code}-{i + 1:000}", name, category, unit, price));
            }
        Products = products;

        var receipts = new List<DemoReceipt>();
        foreach (var warehouse in Warehouses)
            foreach (var (batch, index) in products.Where((_, i) => random.Next(100) < 80).Chunk(40).Select((b, i) => (b, i)))
                receipts.Add(new DemoReceipt($"seed-{seed}-receipt-{warehouse.Code}-{index}", warehouse.Code,
                    batch.Select(p => (p.Sku, (decimal)random.Next(5, 250), Math.Round(p.Price * 0.62m / 100m) * 100m)).ToList()));
        Receipts = receipts;

        var orders = new List<DemoOrder>();
        for (var i = 0; i < orderCount; i++)
        {
            var placedAt = until.AddMinutes(-random.Next(1, 14 * 24 * 60));
            var channel = Channels[random.Next(Channels.Length)];
            var lines = Enumerable.Range(0, random.Next(1, 5))
                .Select(_ => products[random.Next(products.Count)])
                .DistinctBy(p => p.Sku)
                .Select(p => (p.Sku, (decimal)random.Next(1, 4), p.Price))
                .ToList();
            var customer = $"{FamilyNames[random.Next(FamilyNames.Length)]} {GivenNames[random.Next(GivenNames.Length)]}";
            var phone = $"09{random.Next(10_000_000, 99_999_999)}";
            var externalRef = channel.StartsWith("marketplace:", StringComparison.Ordinal) ? $"MP-{seed}-{i:00000}" : null;
            orders.Add(new DemoOrder($"seed-{seed}-order-{i}", channel, externalRef, placedAt, customer, phone, lines, Cancel: i % 17 == 5));
        }
        Orders = orders;
    }

    public IReadOnlyList<DemoWarehouse> Warehouses { get; }
    public IReadOnlyList<DemoProduct> Products { get; }
    public IReadOnlyList<DemoReceipt> Receipts { get; }
    public IReadOnlyList<DemoOrder> Orders { get; }
}
