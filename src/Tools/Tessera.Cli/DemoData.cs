namespace Tessera.Cli;

public sealed record DemoProduct(string Sku, string Name, string Category, string Unit, decimal Price);

public sealed record DemoWarehouse(string Code, string Name);

public sealed record DemoReceipt(string Key, string Warehouse, IReadOnlyList<(string Sku, decimal Quantity, decimal UnitCost)> Lines);

public sealed record DemoOrder(string Key, string Channel, string? ExternalRef, DateTimeOffset PlacedAt, string Customer, string Phone,
    IReadOnlyList<(string Sku, decimal Quantity, decimal UnitPrice)> Lines, bool Cancel, string? Email = null, string? City = null)
{
    /// <summary>What finds the order again in the search (its external reference).</summary>
    public string Reference => ExternalRef!;
}

public sealed record DemoCustomer(string Name, string Phone, string Email, string City, string Province);

public sealed record DemoSupplier(string Code, string Name, string TaxId, string Contact, string Phone, string Email, string Street, string City,
    IReadOnlyList<string> Skus);

/// <summary>An order of the old system imported as history: its final status, when it ended, and how it was paid.</summary>
public sealed record DemoHistoricOrder(string ExternalRef, DateTimeOffset PlacedAt, DemoCustomer Customer, IReadOnlyList<(string Sku, decimal Quantity, decimal UnitPrice)> Lines,
    string Status, DateTimeOffset EndedAt, IReadOnlyList<(string Method, decimal Amount, DateTimeOffset PaidAt)> Payments);

/// <summary>
/// The demo data set. Everything comes from one seeded random generator and a reference date (--today), so every run
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
    private static readonly (string City, string Province)[] Places =
        [("Quận 1", "Hồ Chí Minh"), ("Hoàn Kiếm", "Hà Nội"), ("Hải Châu", "Đà Nẵng"), ("Ninh Kiều", "Cần Thơ"), ("Đà Lạt", "Lâm Đồng"), ("Huế", "Thừa Thiên Huế")];

    /// <summary>The demo covers this many days up to now: orders, history and everything that follows them.</summary>
    public const int Days = 60;

    /// <param name="until">Orders are spread over the <see cref="Days"/> days before this moment.</param>
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

        // Customers who come back: a pool of regulars, the first ones ordering most often.
        Customers = Enumerable.Range(0, 80).Select(i =>
        {
            var (city, province) = Places[random.Next(Places.Length)];
            var name = $"{FamilyNames[random.Next(FamilyNames.Length)]} {GivenNames[random.Next(GivenNames.Length)]}";
            return new DemoCustomer(name, $"09{random.Next(10_000_000, 99_999_999)}", $"khach{seed}.{i}@example.vn", city, province);
        }).ToList();

        var orders = new List<DemoOrder>();
        for (var i = 0; i < orderCount; i++)
        {
            // Most orders fall in the last two weeks (the dashboard's), the rest over the two months before.
            var window = i % 3 == 0 ? Days : 14;
            var placedAt = until.AddMinutes(-random.Next(1, window * 24 * 60));
            var channel = Channels[random.Next(Channels.Length)];
            var lines = Enumerable.Range(0, random.Next(1, 5))
                .Select(_ => products[random.Next(products.Count)])
                .DistinctBy(p => p.Sku)
                .Select(p => (p.Sku, (decimal)random.Next(1, 4), p.Price))
                .ToList();
            var customer = Customers[(int)Math.Floor(Math.Pow(random.NextDouble(), 2) * Customers.Count)];
            var externalRef = channel.StartsWith("marketplace:", StringComparison.Ordinal) ? $"MP-{seed}-{i:00000}" : $"DEMO-{seed}-{i:00000}";
            orders.Add(new DemoOrder($"seed-{seed}-order-{i}", channel, externalRef, placedAt, customer.Name, customer.Phone, lines, Cancel: i % 17 == 5,
                i % 2 == 0 ? customer.Email : null, customer.City));
        }
        Orders = orders;

        Suppliers =
        [
            new("MOCCHAU", "Trà Mộc Châu", "0312345678", "Phạm Văn Đức", "0903111222", "duc@traviet.example", "45 Nguyễn Huệ", "Hồ Chí Minh",
                products.Where(p => p.Sku.StartsWith("DEMO-BEV", StringComparison.Ordinal)).Take(6).Select(p => p.Sku).ToList()),
            new("SNACKVN", "Bánh Kẹo Miền Nam", "0309876543", "Lê Thị Mai", "0903444555", "mai@snackvn.example", "12 Lê Lợi", "Cần Thơ",
                products.Where(p => p.Sku.StartsWith("DEMO-SNK", StringComparison.Ordinal)).Take(6).Select(p => p.Sku).ToList()),
            new("HOMECARE", "Gia Dụng Sạch", "0105556667", "Trần Quốc Toản", "0903777888", "toan@homecare.example", "8 Tràng Tiền", "Hà Nội",
                products.Where(p => p.Sku.StartsWith("DEMO-HOU", StringComparison.Ordinal)).Take(6).Select(p => p.Sku).ToList()),
        ];
        // Set far above what is in stock, so that they raise reorder suggestions at once.
        ReorderSkus = Suppliers.Select(s => s.Skus[^1]).ToList();

        var history = new List<DemoHistoricOrder>();
        for (var i = 0; i < 40; i++)
        {
            var placedAt = until.AddDays(-Days + random.Next(0, 20)).AddMinutes(-random.Next(0, 12 * 60));
            var customer = Customers[random.Next(Customers.Count)];
            var lines = Enumerable.Range(0, random.Next(1, 3)).Select(_ => products[random.Next(products.Count)]).DistinctBy(p => p.Sku)
                .Select(p => (p.Sku, (decimal)random.Next(1, 3), p.Price)).ToList();
            var total = lines.Sum(l => l.Item2 * l.Price);
            var cancelled = i % 8 == 3;
            var endedAt = placedAt.AddDays(cancelled ? 0.2 : 2 + random.Next(0, 3));
            var payments = cancelled
                ? new List<(string, decimal, DateTimeOffset)>()
                : i % 3 == 0
                    ? [("momo", Math.Round(total * 0.3m), placedAt.AddHours(1)), ("cod", total - Math.Round(total * 0.3m), endedAt)]
                    : [(i % 2 == 0 ? "bank_transfer" : "cod", total, endedAt)];
            history.Add(new DemoHistoricOrder($"OLD-{seed}-{i:0000}", placedAt, customer, lines, cancelled ? "Cancelled" : "Completed", endedAt, payments));
        }
        History = history;
    }

    public IReadOnlyList<DemoWarehouse> Warehouses { get; }
    public IReadOnlyList<DemoProduct> Products { get; }
    public IReadOnlyList<DemoReceipt> Receipts { get; }
    public IReadOnlyList<DemoOrder> Orders { get; }
    public IReadOnlyList<DemoCustomer> Customers { get; }
    public IReadOnlyList<DemoSupplier> Suppliers { get; }
    public IReadOnlyList<string> ReorderSkus { get; }
    public IReadOnlyList<DemoHistoricOrder> History { get; }

    /// <summary>The history as an import file (docs/import.md): one row per line, the order's status, dates and payments on its rows.</summary>
    public string HistoryCsv()
    {
        var text = new System.Text.StringBuilder(
            "channel,external_ref,placed_at,customer_name,customer_phone,customer_email,ship_city,ship_province,sku,quantity,unit_price,status,delivered_at,cancelled_at,payments\n");
        foreach (var order in History)
            foreach (var (sku, quantity, price) in order.Lines)
            {
                var payments = string.Join("; ", order.Payments.Select(p => string.Create(System.Globalization.CultureInfo.InvariantCulture, $"{p.Method} {p.Amount} {p.PaidAt:O}")));
                text.AppendLine(CsvLine.Of(["marketplace:oldshop", order.ExternalRef, order.PlacedAt.ToString("O", System.Globalization.CultureInfo.InvariantCulture),
                    order.Customer.Name, order.Customer.Phone, order.Customer.Email, order.Customer.City, order.Customer.Province, sku,
                    quantity.ToString(System.Globalization.CultureInfo.InvariantCulture), price.ToString(System.Globalization.CultureInfo.InvariantCulture), order.Status,
                    order.Status == "Completed" ? order.EndedAt.ToString("O", System.Globalization.CultureInfo.InvariantCulture) : "",
                    order.Status == "Cancelled" ? order.EndedAt.ToString("O", System.Globalization.CultureInfo.InvariantCulture) : "", payments]));
            }
        return text.ToString();
    }
}
