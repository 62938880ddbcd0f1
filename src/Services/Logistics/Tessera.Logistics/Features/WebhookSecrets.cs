using System.Security.Cryptography;
using System.Text;
using Tessera.ServiceDefaults.Hosting;
using Tessera.ServiceDefaults.Security;

namespace Tessera.Logistics.Features;

/// <summary>
/// Carrier webhook secrets: generated here, shown once, stored encrypted with AES-GCM under a logistics key kept in
/// &lt;data&gt;/secrets (a copy of the database alone does not let anyone sign tracking updates). The platform's protector
/// is reused for its format and its binding of tenant and purpose; the key is this service's own, not the personal
/// data key ring, so rotating personal data keys never touches carrier secrets.
/// </summary>
public sealed class WebhookSecrets
{
    private const string Purpose = "carrier-webhook-secret";
    private const string KeyName = "logistics-webhook-secrets";
    private readonly PersonalDataProtector _protector;

    public WebhookSecrets(SecretStore secrets)
    {
        var key = secrets.GetOrCreateKey(KeyName);
        _protector = new PersonalDataProtector(new PersonalDataKeys(1, new Dictionary<int, byte[]> { [1] = key }, key));
    }

    public static string Generate() => "whsec_" + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(32));

    public string Protect(string secret, string tenant) => _protector.Protect(secret, tenant, Purpose);

    public string Unprotect(string stored, string tenant) => _protector.Unprotect(stored, tenant, Purpose);

    /// <summary>The signature a carrier sends: "sha256=" and the lower-case hex HMAC-SHA256 of the raw body keyed with the secret.</summary>
    public static string Sign(ReadOnlySpan<byte> body, string secret) =>
        "sha256=" + Convert.ToHexStringLower(HMACSHA256.HashData(Encoding.UTF8.GetBytes(secret), body));

    /// <summary>Constant-time check of an X-Tessera-Signature header value against the body.</summary>
    public static bool Verify(ReadOnlySpan<byte> body, string secret, string? header)
    {
        if (string.IsNullOrWhiteSpace(header))
            return false;
        var value = header.Trim();
        if (!value.StartsWith("sha256=", StringComparison.OrdinalIgnoreCase))
            return false;
        byte[] given;
        try
        {
            given = Convert.FromHexString(value.AsSpan("sha256=".Length));
        }
        catch (FormatException)
        {
            return false;
        }
        var expected = HMACSHA256.HashData(Encoding.UTF8.GetBytes(secret), body);
        return CryptographicOperations.FixedTimeEquals(expected, given);
    }
}
