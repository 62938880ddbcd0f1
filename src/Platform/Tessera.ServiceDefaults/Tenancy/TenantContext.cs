namespace Tessera.ServiceDefaults.Tenancy;

/// <summary>The tenant the current unit of work acts for: the authenticated caller's, or the event's being handled.</summary>
public interface ITenantContext
{
    string? TenantId { get; }
}

public sealed class TenantContext : ITenantContext
{
    public string? TenantId { get; private set; }

    public void Set(string? tenantId)
    {
        if (TenantId is not null && tenantId != TenantId)
            throw new InvalidOperationException("The tenant of a unit of work cannot change once set.");
        TenantId = tenantId;
        AmbientTenant.Current = tenantId;
    }

    /// <summary>
    /// Moves the unit of work to another tenant. Only for the inbox processor, which handles a group of messages of
    /// several tenants in one transaction and clears the change tracker between them.
    /// </summary>
    public void Switch(string? tenantId)
    {
        TenantId = tenantId;
        AmbientTenant.Current = tenantId;
    }
}

/// <summary>
/// Flows the tenant along async calls where no DI scope reaches (HTTP message handlers run in their own scope),
/// so a background call to another service carries the tenant it acts for.
/// </summary>
public static class AmbientTenant
{
    private static readonly AsyncLocal<string?> Value = new();

    public static string? Current
    {
        get => Value.Value;
        set => Value.Value = value;
    }
}

/// <summary>Marks an entity whose rows belong to one tenant; a global query filter keeps other tenants' rows out.</summary>
public interface ITenantOwned
{
    string TenantId { get; set; }
}
