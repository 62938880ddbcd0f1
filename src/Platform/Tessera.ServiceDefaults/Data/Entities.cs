namespace Tessera.ServiceDefaults.Data;

/// <summary>An aggregate with optimistic concurrency: Version goes up by one on every saved change.</summary>
public interface IVersioned
{
    long Version { get; set; }
}
