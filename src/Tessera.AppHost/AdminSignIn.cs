using System.Security.Cryptography;

namespace Tessera.AppHost;

internal enum PasswordSource
{
    /// <summary>TESSERA_ADMIN_PASSWORD is set: the user already knows it.</summary>
    Environment,

    /// <summary>First start: generated now and shown once, because the web front-end stores only its hash.</summary>
    Generated,

    /// <summary>The admin account exists already; the web front-end ignores any bootstrap password.</summary>
    AlreadySet,
}

/// <summary>The demo tenant's admin sign-in, and the password (if any) handed to the web front-end to create it.</summary>
internal sealed record AdminSignIn(string? Password, PasswordSource Source)
{
    public const string Tenant = "demo";
    public const string User = "admin";
    public const string EnvironmentVariable = "TESSERA_ADMIN_PASSWORD";

    private const string Alphabet = "ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz23456789";
    private const int Length = 16;

    public static AdminSignIn Decide(DataLayout layout)
    {
        var fromEnvironment = Environment.GetEnvironmentVariable(EnvironmentVariable);
        if (!string.IsNullOrEmpty(fromEnvironment))
            return new AdminSignIn(fromEnvironment, PasswordSource.Environment);
        return File.Exists(layout.WebDatabase)
            ? new AdminSignIn(null, PasswordSource.AlreadySet)
            : new AdminSignIn(GeneratePassword(), PasswordSource.Generated);
    }

    /// <summary>
    /// Letters and digits only, so it survives copy and paste from any terminal. Look-alike characters (0/O, 1/l/I) are
    /// left out of the alphabet, and a draw without all three character classes is redrawn so common password rules pass.
    /// </summary>
    private static string GeneratePassword()
    {
        while (true)
        {
            var password = new string(RandomNumberGenerator.GetItems<char>(Alphabet, Length));
            if (password.Any(char.IsUpper) && password.Any(char.IsLower) && password.Any(char.IsDigit))
                return password;
        }
    }
}
