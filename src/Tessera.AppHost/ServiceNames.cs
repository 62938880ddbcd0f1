namespace Tessera.AppHost;

internal static class ServiceNames
{
    /// <summary>The public front-end: started last, on the user's --host/--port, and the only one given the admin password.</summary>
    public const string Web = "web";
}
