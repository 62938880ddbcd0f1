using System.Data.Common;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.ChangeTracking;
using Microsoft.EntityFrameworkCore.Diagnostics;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Metadata;
using Microsoft.EntityFrameworkCore.Storage;

namespace Tessera.ServiceDefaults.Data;

/// <summary>Sees the rows <see cref="ServiceDbContext.InsertAddedInBulk"/> writes, which bypass SaveChanges and its interceptors.</summary>
public interface IBulkInsertInterceptor : IInterceptor
{
    void Inserting(DbContext context, IReadOnlyList<EntityEntry> added);
}

public abstract partial class ServiceDbContext
{
    /// <summary>
    /// Writes every entity added to the context with one prepared INSERT per table, mapped exactly as EF maps it (column
    /// names, converters, complex properties), principals before dependents; then stops tracking them. For bulk work
    /// (an import batch of thousands of rows) where EF's one-command-per-row save dominates. Call inside a write
    /// transaction; store-generated keys are left to the database and not read back. Rows are written from the entities'
    /// current values, but the graph is taken as it was fixed up when added (a child added to a navigation later is not
    /// seen). Modified entities are saved as usual by the next SaveChangesAsync.
    /// </summary>
    public int InsertAddedInBulk()
    {
        var transaction = Database.CurrentTransaction
                          ?? throw new InvalidOperationException("Bulk inserts run inside a write transaction (BeginWriteAsync).");
        // Added graphs were fixed up when added; scanning thousands of entries for changes would cost more than the inserts.
        var detect = ChangeTracker.AutoDetectChangesEnabled;
        ChangeTracker.AutoDetectChangesEnabled = false;
        try
        {
            StampChanges();
            var added = ChangeTracker.Entries().Where(e => e.State == EntityState.Added).ToList();
            // Interceptors that see what SaveChanges writes (the outbox's commit signal) must see these rows too.
            foreach (var observer in this.GetService<IDbContextOptions>().FindExtension<CoreOptionsExtension>()?.Interceptors?.OfType<IBulkInsertInterceptor>() ?? [])
                observer.Inserting(this, added);
            return Insert(transaction, added);
        }
        finally
        {
            ChangeTracker.AutoDetectChangesEnabled = detect;
        }
    }

    private int Insert(IDbContextTransaction transaction, List<EntityEntry> added)
    {
        var connection = Database.GetDbConnection();
        var inserted = 0;
        foreach (var group in added.GroupBy(e => e.Metadata).OrderBy(g => Depth(g.Key)))
        {
            var generated = group.First().Properties.Where(p => p.IsTemporary).Select(p => p.Metadata).ToHashSet();
            var columns = group.Key.GetFlattenedProperties().Where(p => !generated.Contains(p)).ToList();
            using var command = connection.CreateCommand();
            command.Transaction = transaction.GetDbTransaction();
            command.CommandText = $"INSERT INTO \"{group.Key.GetTableName()}\" ({string.Join(", ", columns.Select(c => $"\"{c.GetColumnName()}\""))}) " +
                                  $"VALUES ({string.Join(", ", columns.Select((_, i) => $"@p{i}"))})";
            var mappings = columns.Select(c => c.GetRelationalTypeMapping()).ToArray();
            foreach (var entry in group)
            {
                command.Parameters.Clear();
                for (var i = 0; i < columns.Count; i++)
                    command.Parameters.Add(mappings[i].CreateParameter(command, $"@p{i}", ValueOf(entry, columns[i]), columns[i].IsNullable));
                inserted += command.ExecuteNonQuery();
            }
        }
        foreach (var entry in added)
            entry.State = EntityState.Detached;
        return inserted;
    }

    private static object? ValueOf(EntityEntry entry, IProperty property) =>
        property.IsShadowProperty() && property.DeclaringType is IEntityType
            ? entry.Property(property).CurrentValue
            : property.GetGetter().GetClrValueUsingContainingEntity(entry.Entity);

    /// <summary>How many foreign keys deep an entity type is: rows of depth 0 first, so every row's principal exists.</summary>
    private static int Depth(IEntityType type, int guard = 0) =>
        guard > 16
            ? throw new InvalidOperationException($"The foreign keys of {type.DisplayName()} form a cycle.")
            : type.GetForeignKeys().Select(fk => fk.PrincipalEntityType).Where(p => p != type).Select(p => Depth(p, guard + 1) + 1).DefaultIfEmpty(0).Max();
}
