namespace Tessera.ServiceDefaults.Data;

/// <summary>An aggregate with optimistic concurrency: Version goes up by one on every saved change.</summary>
public interface IVersioned
{
    long Version { get; set; }
}

/// <summary>
/// A row whose key is read in order by others (the outbox, read by position): it must become visible in key order. SQLite
/// has one writer, so it always does; on PostgreSQL a transaction that adds one takes a lock held until it commits, so
/// that a later key never commits before an earlier one that a reader would then skip (docs/adr/0024).
/// </summary>
public interface ICommitOrdered;
