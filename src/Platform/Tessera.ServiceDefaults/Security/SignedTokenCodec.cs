using System.Buffers.Text;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace Tessera.ServiceDefaults.Security;

public sealed record TokenClaims(
    string Subject,
    string Tenant,
    IReadOnlyList<string> Roles,
    string Audience,
    DateTimeOffset IssuedAt,
    DateTimeOffset ExpiresAt,
    string? SessionId = null);

public enum TokenFailure
{
    None,
    Malformed,
    UnknownKey,
    BadSignature,
    WrongAudience,
    Expired,
    NotYetValid,
}

public readonly record struct TokenValidation(TokenClaims? Claims, TokenFailure Failure)
{
    public bool IsValid => Claims is not null;

    public string Describe() => Failure switch
    {
        TokenFailure.None => "valid",
        TokenFailure.Malformed => "the token is malformed",
        TokenFailure.UnknownKey => "the token was signed with an unknown key",
        TokenFailure.BadSignature => "the token signature is invalid",
        TokenFailure.WrongAudience => "the token is not meant for this service",
        TokenFailure.Expired => "the token has expired",
        TokenFailure.NotYetValid => "the token is not valid yet",
        _ => "the token is invalid",
    };
}

/// <summary>
/// Compact JWS tokens (HS256) carrying user, tenant and roles. Signing uses the first key; validation accepts any
/// key of the ring, so a key can be rotated by prepending a new one and dropping the old one after the longest expiry.
/// </summary>
public sealed class SignedTokenCodec
{
    private const string Issuer = "tessera";
    private static readonly TimeSpan ClockSkew = TimeSpan.FromSeconds(30);

    private readonly (string Kid, byte[] Key)[] _keys;
    private readonly TimeProvider _clock;

    public SignedTokenCodec(IReadOnlyList<byte[]> keys, TimeProvider clock)
    {
        if (keys.Count == 0)
            throw new ArgumentException("At least one signing key is required.", nameof(keys));
        if (keys.Any(k => k.Length < 32))
            throw new ArgumentException("Signing keys must be at least 256 bits.", nameof(keys));
        _keys = keys.Select(k => (KeyId(k), k)).ToArray();
        _clock = clock;
    }

    /// <param name="sessionId">The server-side session an access token belongs to; revoking the session ends the token.</param>
    public string Issue(string subject, string tenant, IEnumerable<string> roles, string audience, TimeSpan lifetime, string? sessionId = null)
    {
        var now = _clock.GetUtcNow();
        var header = new Header("HS256", "JWT", _keys[0].Kid);
        var payload = new Payload(Issuer, audience, subject, tenant, roles.Distinct().ToArray(),
            now.ToUnixTimeSeconds(), now.Add(lifetime).ToUnixTimeSeconds(), sessionId);
        var signingInput = Encode(JsonSerializer.SerializeToUtf8Bytes(header, JsonOptions)) + "." +
                           Encode(JsonSerializer.SerializeToUtf8Bytes(payload, JsonOptions));
        var signature = HMACSHA256.HashData(_keys[0].Key, Encoding.ASCII.GetBytes(signingInput));
        return signingInput + "." + Encode(signature);
    }

    public TokenValidation Validate(string token, string audience)
    {
        var parts = token.Split('.');
        if (parts.Length != 3)
            return Fail(TokenFailure.Malformed);

        Header? header;
        Payload? payload;
        byte[] signature;
        try
        {
            header = JsonSerializer.Deserialize<Header>(Decode(parts[0]), JsonOptions);
            payload = JsonSerializer.Deserialize<Payload>(Decode(parts[1]), JsonOptions);
            signature = Decode(parts[2]);
        }
        catch (Exception ex) when (ex is JsonException or FormatException)
        {
            return Fail(TokenFailure.Malformed);
        }

        if (header is null || payload is null || header.Alg != "HS256" || payload.Sub is null || payload.Tid is null)
            return Fail(TokenFailure.Malformed);

        var key = _keys.FirstOrDefault(k => k.Kid == header.Kid).Key;
        if (key is null)
            return Fail(TokenFailure.UnknownKey);

        var expected = HMACSHA256.HashData(key, Encoding.ASCII.GetBytes(parts[0] + "." + parts[1]));
        if (!CryptographicOperations.FixedTimeEquals(expected, signature))
            return Fail(TokenFailure.BadSignature);

        if (payload.Iss != Issuer || payload.Aud != audience)
            return Fail(TokenFailure.WrongAudience);

        var now = _clock.GetUtcNow();
        var issuedAt = DateTimeOffset.FromUnixTimeSeconds(payload.Iat);
        var expiresAt = DateTimeOffset.FromUnixTimeSeconds(payload.Exp);
        if (now >= expiresAt + ClockSkew)
            return Fail(TokenFailure.Expired);
        if (issuedAt > now + ClockSkew)
            return Fail(TokenFailure.NotYetValid);

        return new TokenValidation(
            new TokenClaims(payload.Sub, payload.Tid, payload.Roles ?? [], payload.Aud, issuedAt, expiresAt, payload.Sid),
            TokenFailure.None);
    }

    private static TokenValidation Fail(TokenFailure failure) => new(null, failure);

    private static string KeyId(byte[] key) => Convert.ToHexStringLower(SHA256.HashData(key))[..12];

    private static string Encode(ReadOnlySpan<byte> bytes) => Base64Url.EncodeToString(bytes);

    private static byte[] Decode(string text) => Base64Url.DecodeFromChars(text);

    private static readonly JsonSerializerOptions JsonOptions = new(JsonSerializerDefaults.Web)
    {
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    };

    private sealed record Header(
        [property: JsonPropertyName("alg")] string Alg,
        [property: JsonPropertyName("typ")] string? Typ,
        [property: JsonPropertyName("kid")] string? Kid);

    private sealed record Payload(
        [property: JsonPropertyName("iss")] string? Iss,
        [property: JsonPropertyName("aud")] string? Aud,
        [property: JsonPropertyName("sub")] string? Sub,
        [property: JsonPropertyName("tid")] string? Tid,
        [property: JsonPropertyName("roles")] string[]? Roles,
        [property: JsonPropertyName("iat")] long Iat,
        [property: JsonPropertyName("exp")] long Exp,
        [property: JsonPropertyName("sid")] string? Sid = null);
}
