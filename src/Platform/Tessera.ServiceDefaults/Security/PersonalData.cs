using System.Buffers.Text;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Tessera.ServiceDefaults.Hosting;

namespace Tessera.ServiceDefaults.Security;

/// <summary>
/// The keys protecting personal data, kept in &lt;data&gt;/secrets/personal-data-keys.json (never in a database).
/// New writes use <see cref="Current"/>; older versions stay for reading until every row is re-encrypted.
/// The index key makes blind indexes and is not rotated (rotating it means re-hashing every lookup column).
/// </summary>
public sealed record PersonalDataKeys(int Current, IReadOnlyDictionary<int, byte[]> Keys, byte[] IndexKey)
{
    public const string FileName = "personal-data-keys.json";

    public static PersonalDataKeys Load(SecretStore secrets)
    {
        var json = secrets.GetOrCreate(FileName, () => Serialize(new PersonalDataKeys(1,
            new Dictionary<int, byte[]> { [1] = RandomNumberGenerator.GetBytes(32) }, RandomNumberGenerator.GetBytes(32))));
        var file = JsonSerializer.Deserialize<KeyFile>(json) ?? throw new InvalidOperationException($"{FileName} is empty.");
        var keys = file.Keys.ToDictionary(k => int.Parse(k.Key, System.Globalization.CultureInfo.InvariantCulture), k => Convert.FromBase64String(k.Value));
        if (!keys.ContainsKey(file.Current))
            throw new InvalidOperationException($"{FileName} names key {file.Current} as current but does not contain it.");
        return new PersonalDataKeys(file.Current, keys, Convert.FromBase64String(file.Index));
    }

    /// <summary>Adds a new key version and makes it current; returns the new version.</summary>
    public static int Rotate(SecretStore secrets)
    {
        var keys = Load(secrets);
        var next = keys.Keys.Keys.Max() + 1;
        var all = new Dictionary<int, byte[]>(keys.Keys) { [next] = RandomNumberGenerator.GetBytes(32) };
        secrets.Write(FileName, Serialize(keys with { Current = next, Keys = all }));
        return next;
    }

    private static string Serialize(PersonalDataKeys keys) => JsonSerializer.Serialize(new KeyFile(
        keys.Current,
        keys.Keys.ToDictionary(k => k.Key.ToString(System.Globalization.CultureInfo.InvariantCulture), k => Convert.ToBase64String(k.Value)),
        Convert.ToBase64String(keys.IndexKey)));

    private sealed record KeyFile(int Current, Dictionary<string, string> Keys, string Index);
}

/// <summary>
/// The key ring as it is in its file now: rotated by one process (an operator's command), picked up by every process
/// within a second, so that new writes everywhere use the new key.
/// </summary>
public sealed class PersonalDataKeyRing(SecretStore secrets, TimeProvider clock)
{
    private static readonly TimeSpan RecheckEvery = TimeSpan.FromSeconds(1);
    private readonly Lock _lock = new();
    private PersonalDataKeys? _keys;
    private DateTime _fileTime;
    private DateTimeOffset _checkedAt;

    public PersonalDataKeys Current
    {
        get
        {
            lock (_lock)
            {
                var now = clock.GetUtcNow();
                if (_keys is not null && now - _checkedAt < RecheckEvery)
                    return _keys;
                _checkedAt = now;
                var fileTime = secrets.LastWriteTimeUtc(PersonalDataKeys.FileName);
                if (_keys is null || fileTime != _fileTime)
                {
                    _keys = PersonalDataKeys.Load(secrets);
                    _fileTime = secrets.LastWriteTimeUtc(PersonalDataKeys.FileName);
                }
                return _keys;
            }
        }
    }

    /// <summary>Adds a new key version, makes it current, and uses it at once in this process.</summary>
    public int Rotate()
    {
        lock (_lock)
        {
            var version = PersonalDataKeys.Rotate(secrets);
            _keys = null;
            _checkedAt = default;
            return version;
        }
    }
}

/// <summary>
/// Encrypts personal data (names, phones, e-mails, addresses) with AES-256-GCM. The tenant and the field's purpose are
/// authenticated with the ciphertext, so a value copied to another tenant or column does not decrypt.
/// Format: "pd1.&lt;key version&gt;.&lt;base64url(nonce | ciphertext | tag)&gt;".
/// </summary>
public sealed class PersonalDataProtector
{
    private readonly Func<PersonalDataKeys> _keys;

    public PersonalDataProtector(PersonalDataKeys keys) => _keys = () => keys;

    public PersonalDataProtector(PersonalDataKeyRing ring) => _keys = () => ring.Current;

    private PersonalDataKeys Ring => _keys();

    private const string Prefix = "pd1.";
    private const int NonceSize = 12;
    private const int TagSize = 16;

    public int CurrentKeyVersion => Ring.Current;

    public string Protect(string plaintext, string tenant, string purpose)
    {
        var key = Ring.Keys[Ring.Current];
        var data = Encoding.UTF8.GetBytes(plaintext);
        var output = new byte[NonceSize + data.Length + TagSize];
        var nonce = output.AsSpan(0, NonceSize);
        RandomNumberGenerator.Fill(nonce);
        using var aes = new AesGcm(key, TagSize);
        aes.Encrypt(nonce, data, output.AsSpan(NonceSize, data.Length), output.AsSpan(NonceSize + data.Length), AssociatedData(tenant, purpose));
        return $"{Prefix}{Ring.Current}.{Base64Url.EncodeToString(output)}";
    }

    public string Unprotect(string protectedValue, string tenant, string purpose)
    {
        var (version, payload) = Parse(protectedValue);
        if (!Ring.Keys.TryGetValue(version, out var key))
            throw new CryptographicException($"Personal data key version {version} is not in the key ring.");
        var bytes = Base64Url.DecodeFromChars(payload);
        var plaintext = new byte[bytes.Length - NonceSize - TagSize];
        using var aes = new AesGcm(key, TagSize);
        aes.Decrypt(bytes.AsSpan(0, NonceSize), bytes.AsSpan(NonceSize, plaintext.Length), bytes.AsSpan(NonceSize + plaintext.Length),
            plaintext, AssociatedData(tenant, purpose));
        return Encoding.UTF8.GetString(plaintext);
    }

    private static ReadOnlySpan<byte> SealedMagic => "pdb1"u8;

    /// <summary>
    /// Encrypts a whole file of personal data (an upload waiting to be processed) under the current key.
    /// Format: "pdb1" | key version (int32, little-endian) | nonce | ciphertext | tag.
    /// </summary>
    public byte[] Seal(ReadOnlySpan<byte> data, string tenant, string purpose)
    {
        var ring = Ring;
        var header = SealedMagic.Length + sizeof(int);
        var output = new byte[header + NonceSize + data.Length + TagSize];
        SealedMagic.CopyTo(output);
        System.Buffers.Binary.BinaryPrimitives.WriteInt32LittleEndian(output.AsSpan(SealedMagic.Length), ring.Current);
        var nonce = output.AsSpan(header, NonceSize);
        RandomNumberGenerator.Fill(nonce);
        using var aes = new AesGcm(ring.Keys[ring.Current], TagSize);
        aes.Encrypt(nonce, data, output.AsSpan(header + NonceSize, data.Length), output.AsSpan(header + NonceSize + data.Length), AssociatedData(tenant, purpose));
        return output;
    }

    /// <summary>Decrypts what <see cref="Seal"/> wrote, with whichever key version it names.</summary>
    public byte[] Open(ReadOnlySpan<byte> sealedData, string tenant, string purpose)
    {
        var header = SealedMagic.Length + sizeof(int);
        if (sealedData.Length < header + NonceSize + TagSize || !sealedData.StartsWith(SealedMagic))
            throw new CryptographicException("The data is not sealed personal data.");
        var version = System.Buffers.Binary.BinaryPrimitives.ReadInt32LittleEndian(sealedData[SealedMagic.Length..]);
        if (!Ring.Keys.TryGetValue(version, out var key))
            throw new CryptographicException($"Personal data key version {version} is not in the key ring.");
        var plaintext = new byte[sealedData.Length - header - NonceSize - TagSize];
        using var aes = new AesGcm(key, TagSize);
        aes.Decrypt(sealedData.Slice(header, NonceSize), sealedData.Slice(header + NonceSize, plaintext.Length),
            sealedData.Slice(header + NonceSize + plaintext.Length, TagSize), plaintext, AssociatedData(tenant, purpose));
        return plaintext;
    }

    /// <summary>Whether a stored value was written by <see cref="Protect"/> (rather than being plain text).</summary>
    public static bool IsProtected(string value) => value.StartsWith(Prefix, StringComparison.Ordinal);

    /// <summary>The key version a protected value was written with (re-encryption finds old rows by it).</summary>
    public static int KeyVersionOf(string protectedValue) => Parse(protectedValue).Version;

    /// <summary>A keyed hash for exact-match lookup without storing the value: same input, same tenant → same index.</summary>
    public string BlindIndex(string normalizedValue, string tenant, string purpose)
    {
        var mac = HMACSHA256.HashData(Ring.IndexKey, Encoding.UTF8.GetBytes($"{tenant}\n{purpose}\n{normalizedValue}"));
        return Convert.ToHexStringLower(mac);
    }

    public static string NormalizePhone(string phone) => new(phone.Where(char.IsAsciiDigit).ToArray());

    public static string NormalizeEmail(string email) => email.Trim().ToLowerInvariant();

    private static byte[] AssociatedData(string tenant, string purpose) => Encoding.UTF8.GetBytes($"{tenant}\n{purpose}");

    private static (int Version, string Payload) Parse(string value)
    {
        if (!value.StartsWith(Prefix, StringComparison.Ordinal))
            throw new CryptographicException("The value is not protected personal data.");
        var dot = value.IndexOf('.', Prefix.Length);
        if (dot < 0 || !int.TryParse(value.AsSpan(Prefix.Length, dot - Prefix.Length), out var version))
            throw new CryptographicException("The protected value is malformed.");
        return (version, value[(dot + 1)..]);
    }
}

public static class PersonalDataRegistration
{
    /// <summary>Personal data protection with the key ring of the data folder.</summary>
    public static IServiceCollection AddPersonalDataProtection(this IServiceCollection services)
    {
        services.AddSingleton<PersonalDataKeyRing>();
        services.AddSingleton(sp => new PersonalDataProtector(sp.GetRequiredService<PersonalDataKeyRing>()));
        return services;
    }
}
