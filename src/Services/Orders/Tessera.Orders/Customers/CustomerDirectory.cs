using Microsoft.EntityFrameworkCore;
using Tessera.Orders.Archive;
using Tessera.Orders.Contracts;
using Tessera.Orders.Data;
using Tessera.Orders.Domain;
using Tessera.ServiceDefaults.Data;
using Tessera.ServiceDefaults.Tenancy;

namespace Tessera.Orders.Customers;

/// <summary>
/// Finds the customer an order belongs to — by the customer's reference, else phone, else e-mail (keyed hashes) — or
/// creates one from the order's contact, for orders placed, imported or imported as history alike. Runs inside the
/// caller's write transaction, so that two orders of a new customer in one batch make one customer, not two.
/// </summary>
public sealed class CustomerDirectory(OrdersDbContext db, OrdersArchiveDbContext archive, CustomerPrivacy privacy, ITenantContext tenant)
{
    private const int Chunk = 400;

    /// <summary>The customer itself, or the one it was merged into; null when the tenant has no such customer.</summary>
    public async Task<Customer?> FindAsync(Guid id, CancellationToken cancellationToken)
    {
        var customer = await db.Customers.FirstOrDefaultAsync(c => c.Id == id, cancellationToken);
        return customer?.MergedInto is { } survivor ? await db.Customers.FirstOrDefaultAsync(c => c.Id == survivor, cancellationToken) : customer;
    }

    /// <summary>
    /// Gives every order without a customer its customer: found by reference, phone or e-mail, or new (numbered after the
    /// tenant's last). <paramref name="names"/> holds each order's plain customer name, for the new customers' name index.
    /// </summary>
    public async Task AttachAsync(IReadOnlyList<Order> orders, IReadOnlyList<string> names, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var open = orders.Select((o, i) => (Order: o, Name: names[i])).Where(x => x.Order.CustomerId is null).ToList();
        if (open.Count == 0)
            return;

        // Two placements with the same phone, e-mail or reference at once must find one customer, not make two: on
        // PostgreSQL the second waits here until the first has committed the customer it made (docs/adr/0024).
        await db.LockAllAsync(open.SelectMany(x => new[]
        {
            x.Order.Customer.Reference is { } r ? $"customer-contact:{tenant.TenantId}:reference:{r}" : null,
            x.Order.Customer.PhoneIndex is { } p ? $"customer-contact:{tenant.TenantId}:phone:{p}" : null,
            x.Order.Customer.EmailIndex is { } e ? $"customer-contact:{tenant.TenantId}:email:{e}" : null,
        }).OfType<string>(), cancellationToken);
        var references = await LookupAsync(open.Select(x => x.Order.Customer.Reference), c => c.Reference, cancellationToken);
        var phones = await LookupAsync(open.Select(x => x.Order.Customer.PhoneIndex), c => c.PhoneIndex, cancellationToken);
        var emails = await LookupAsync(open.Select(x => x.Order.Customer.EmailIndex), c => c.EmailIndex, cancellationToken);
        var survivors = references.Values.Concat(phones.Values).Concat(emails.Values).Where(c => c.MergedInto is not null)
            .DistinctBy(c => c.Id).ToDictionary(c => c.Id, c => c.MergedInto!.Value);
        long? next = null;

        foreach (var (order, name) in open)
        {
            var contact = order.Customer;
            Customer? found = null;
            if (contact.Reference is { } reference && references.TryGetValue(reference, out var byReference))
                found = byReference;
            else if (contact.PhoneIndex is { } phone && phones.TryGetValue(phone, out var byPhone))
                found = byPhone;
            else if (contact.EmailIndex is { } email && emails.TryGetValue(email, out var byEmail))
                found = byEmail;
            if (found is not null)
            {
                order.CustomerId = survivors.GetValueOrDefault(found.Id, found.Id);
                continue;
            }

            next ??= await NextNumberAsync(cancellationToken);
            var number = next.Value;
            next = number + 1;
            var customer = new Customer
            {
                Id = Guid.CreateVersion7(), TenantId = order.TenantId, Number = number, Name = contact.Name, Phone = contact.Phone,
                Email = contact.Email, PhoneIndex = contact.PhoneIndex, EmailIndex = contact.EmailIndex, Reference = contact.Reference,
                CreatedAt = now, UpdatedAt = now, Version = 1,
            };
            db.Customers.Add(customer);
            AddNameTokens(customer, name);
            order.CustomerId = customer.Id;
            // The next order of the batch with the same contact is this customer's too.
            if (customer.Reference is { } r)
                references[r] = customer;
            if (customer.PhoneIndex is { } p)
                phones[p] = customer;
            if (customer.EmailIndex is { } e)
                emails[e] = customer;
        }
    }

    /// <summary>A master customer's contact as an order keeps it (same encryption purposes: the values are copied as they are).</summary>
    public static ProtectedCustomer Contact(Customer customer) => new()
    {
        Name = customer.Name, Phone = customer.Phone, Email = customer.Email, PhoneIndex = customer.PhoneIndex, EmailIndex = customer.EmailIndex,
        Reference = customer.Reference,
    };

    public void AddNameTokens(Customer customer, string name) =>
        db.CustomerNameTokens.AddRange(privacy.NameTokens(name, customer.TenantId)
            .Select(t => new CustomerNameToken { TenantId = customer.TenantId, Token = t, CustomerId = customer.Id }));

    public async Task ReplaceNameTokensAsync(Customer customer, string name, CancellationToken cancellationToken)
    {
        await db.CustomerNameTokens.Where(t => t.CustomerId == customer.Id).ExecuteDeleteAsync(cancellationToken);
        AddNameTokens(customer, name);
    }

    public async Task<long> NextNumberAsync(CancellationToken cancellationToken)
    {
        // The number is the tenant's largest plus one: writers that make customers at once take turns (PostgreSQL).
        await db.LockAsync($"customer-number:{tenant.TenantId}", cancellationToken);
        return (await db.Customers.MaxAsync(c => (long?)c.Number, cancellationToken) ?? 0) + 1;
    }

    /// <summary>The customer's own id and those of the duplicates merged into it: the orders of all of them are its history.</summary>
    public async Task<List<Guid>> IdsOfAsync(Guid id, CancellationToken cancellationToken) =>
        [id, .. await db.Customers.Where(c => c.MergedInto == id).Select(c => c.Id).ToListAsync(cancellationToken)];

    /// <summary>Orders, lifetime value (orders neither cancelled nor rejected), first and last order per customer, live and archived.</summary>
    public async Task<Dictionary<Guid, CustomerStatsDto>> StatsAsync(IReadOnlyList<Guid> customers, CancellationToken cancellationToken)
    {
        if (customers.Count == 0)
            return [];
        var merged = await db.Customers.Where(c => c.MergedInto != null && customers.Contains(c.MergedInto.Value))
            .Select(c => new { c.Id, Survivor = c.MergedInto!.Value }).ToListAsync(cancellationToken);
        var owner = customers.ToDictionary(c => c, c => c);
        foreach (var m in merged)
            owner[m.Id] = m.Survivor;
        var ids = owner.Keys.Select(k => (Guid?)k).ToList();
        var tenantId = tenant.TenantId!;

        var rows = new List<(Guid? Customer, string Status, string Currency, decimal Total, long PlacedAt)>();
        foreach (var chunk in ids.Chunk(Chunk))
        {
            rows.AddRange((await db.Set<OrderSearchRow>().AsNoTracking().Where(r => r.TenantId == tenantId && chunk.Contains(r.CustomerId))
                .Select(r => new { r.CustomerId, r.Status, r.Currency, r.GrandTotal, r.PlacedAt }).ToListAsync(cancellationToken))
                .Select(r => (r.CustomerId, r.Status, r.Currency, r.GrandTotal, r.PlacedAt)));
            rows.AddRange((await archive.Set<OrderSearchRow>().AsNoTracking().Where(r => r.TenantId == tenantId && chunk.Contains(r.CustomerId))
                .Select(r => new { r.CustomerId, r.Status, r.Currency, r.GrandTotal, r.PlacedAt }).ToListAsync(cancellationToken))
                .Select(r => (r.CustomerId, r.Status, r.Currency, r.GrandTotal, r.PlacedAt)));
        }
        return customers.ToDictionary(c => c, c =>
        {
            var mine = rows.Where(r => r.Customer is { } id && owner[id] == c).ToList();
            var counted = mine.Where(r => r.Status is not (nameof(OrderStatus.Cancelled) or nameof(OrderStatus.Rejected)));
            return new CustomerStatsDto(
                mine.Count,
                counted.GroupBy(r => r.Currency).OrderBy(g => g.Key, StringComparer.Ordinal).Select(g => new MoneyDto(g.Key, g.Sum(r => r.Total))).ToList(),
                mine.Count == 0 ? null : new DateTimeOffset(mine.Min(r => r.PlacedAt), TimeSpan.Zero),
                mine.Count == 0 ? null : new DateTimeOffset(mine.Max(r => r.PlacedAt), TimeSpan.Zero));
        });
    }

    private async Task<Dictionary<string, Customer>> LookupAsync(IEnumerable<string?> keys, System.Linq.Expressions.Expression<Func<Customer, string?>> column,
        CancellationToken cancellationToken)
    {
        var wanted = keys.Where(k => k is not null).Select(k => k!).Distinct(StringComparer.Ordinal).ToList();
        var found = new Dictionary<string, Customer>(StringComparer.Ordinal);
        // Read by reflection, and the keys as a captured variable rather than a constant: a compiled delegate or a constant
        // array made every placement compile its query anew — a quarter of the orders service's CPU (docs/benchmarks.md).
        var property = (System.Reflection.PropertyInfo)((System.Linq.Expressions.MemberExpression)column.Body).Member;
        foreach (var chunk in wanted.Chunk(Chunk))
        {
            System.Linq.Expressions.Expression<Func<string[]>> captured = () => chunk;
            var contains = System.Linq.Expressions.Expression.Lambda<Func<Customer, bool>>(
                System.Linq.Expressions.Expression.Call(typeof(Enumerable), nameof(Enumerable.Contains), [typeof(string)],
                    captured.Body, column.Body), column.Parameters[0]);
            // Oldest first: of two customers with the same phone (not merged yet), orders go to the first.
            foreach (var customer in await db.Customers.Where(contains).OrderByDescending(c => c.Number).ToListAsync(cancellationToken))
                found[(string)property.GetValue(customer)!] = customer;
        }
        return found;
    }
}
