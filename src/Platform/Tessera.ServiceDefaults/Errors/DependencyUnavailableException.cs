namespace Tessera.ServiceDefaults.Errors;

/// <summary>Another service needed for this request did not answer; the caller gets 503 naming it, and may retry.</summary>
public sealed class DependencyUnavailableException(string service, Exception? inner = null)
    : Exception($"{service} is unavailable.", inner)
{
    public string Service { get; } = service;
}
