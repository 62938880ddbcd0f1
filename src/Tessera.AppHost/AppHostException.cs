namespace Tessera.AppHost;

/// <summary>A problem the user can fix (no build output, busy port…): printed as one line, without a stack trace.</summary>
internal sealed class AppHostException(string message) : Exception(message);
