namespace Tessera.AppHost;

/// <summary>The command line, validated; <paramref name="DataDir"/> is already absolute.</summary>
internal sealed record AppHostOptions(string DataDir, string Host, int Port)
{
    /// <summary>What a browser opens: the web front-end on the address the user chose.</summary>
    public string PublicUrl => Urls.Http(Host, Port);
}
