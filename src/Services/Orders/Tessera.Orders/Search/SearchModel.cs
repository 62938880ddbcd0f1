using Microsoft.EntityFrameworkCore;
using Tessera.Orders.Domain;

namespace Tessera.Orders.Search;

/// <summary>The search tables, mapped the same way in the live database and in the archive.</summary>
public static class SearchModel
{
    public static ModelBuilder ApplySearchModel(this ModelBuilder modelBuilder)
    {
        modelBuilder.Entity<OrderSearchRow>(e =>
        {
            e.ToTable("order_search");
            e.HasKey(r => r.SearchId);
            e.Property(r => r.SearchId).ValueGeneratedOnAdd();
            e.HasIndex(r => r.OrderId).IsUnique();
        });
        modelBuilder.Entity<OrderSearchSku>(e =>
        {
            e.ToTable("order_search_skus");
            e.HasKey(r => new { r.TenantId, r.Sku, r.PlacedAt, r.SearchId });
        });
        modelBuilder.Entity<OrderSearchTag>(e =>
        {
            e.ToTable("order_search_tags");
            e.HasKey(r => new { r.TenantId, r.Tag, r.PlacedAt, r.SearchId });
        });
        modelBuilder.Entity<OrderSearchAttribute>(e =>
        {
            e.ToTable("order_search_attributes");
            e.HasKey(r => new { r.TenantId, r.Name, r.Value, r.PlacedAt, r.SearchId });
        });
        return modelBuilder;
    }
}
