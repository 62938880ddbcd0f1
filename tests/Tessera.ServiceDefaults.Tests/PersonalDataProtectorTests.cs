using System.Security.Cryptography;
using Tessera.ServiceDefaults.Hosting;
using Tessera.ServiceDefaults.Security;
using Tessera.Testing;

namespace Tessera.ServiceDefaults.Tests;

public sealed class PersonalDataProtectorTests : IDisposable
{
    private readonly TempDirectory _dir = new();
    private SecretStore Secrets => SecretStore.ForDataDir(_dir.Path);

    public void Dispose() => _dir.Dispose();

    [Fact]
    public void Values_round_trip_and_the_ciphertext_reveals_nothing()
    {
        var protector = new PersonalDataProtector(PersonalDataKeys.Load(Secrets));

        var secret = protector.Protect("Nguyễn Văn An", "acme", "customer.name");

        secret.ShouldStartWith("pd1.1.");
        secret.ShouldNotContain("Nguy");
        protector.Unprotect(secret, "acme", "customer.name").ShouldBe("Nguyễn Văn An");
        protector.Protect("Nguyễn Văn An", "acme", "customer.name").ShouldNotBe(secret);
    }

    [Fact]
    public void Sealed_files_round_trip_under_the_key_they_name_and_only_for_their_tenant()
    {
        var secrets = Secrets;
        var ring = new PersonalDataKeyRing(secrets, TimeProvider.System);
        var protector = new PersonalDataProtector(ring);
        var file = System.Text.Encoding.UTF8.GetBytes("external_ref,customer_name\nA-1,Trần Thị Canary\n");

        var sealedFile = protector.Seal(file, "acme", "orders.import");
        System.Text.Encoding.UTF8.GetString(sealedFile).ShouldNotContain("Canary");
        ring.Rotate();

        protector.Open(sealedFile, "acme", "orders.import").ShouldBe(file);
        Should.Throw<CryptographicException>(() => protector.Open(sealedFile, "globex", "orders.import"));
        sealedFile[^1] ^= 1;
        Should.Throw<CryptographicException>(() => protector.Open(sealedFile, "acme", "orders.import"));
    }

    [Fact]
    public void A_value_moved_to_another_tenant_or_field_does_not_decrypt()
    {
        var protector = new PersonalDataProtector(PersonalDataKeys.Load(Secrets));
        var secret = protector.Protect("0901234567", "acme", "customer.phone");

        Should.Throw<CryptographicException>(() => protector.Unprotect(secret, "globex", "customer.phone"));
        Should.Throw<CryptographicException>(() => protector.Unprotect(secret, "acme", "customer.email"));
    }

    [Fact]
    public void After_rotation_new_values_use_the_new_key_and_old_values_still_read()
    {
        var old = new PersonalDataProtector(PersonalDataKeys.Load(Secrets)).Protect("old row", "acme", "p");

        PersonalDataKeys.Rotate(Secrets).ShouldBe(2);
        var rotated = new PersonalDataProtector(PersonalDataKeys.Load(Secrets));

        rotated.CurrentKeyVersion.ShouldBe(2);
        PersonalDataProtector.KeyVersionOf(rotated.Protect("new row", "acme", "p")).ShouldBe(2);
        rotated.Unprotect(old, "acme", "p").ShouldBe("old row");
    }

    [Fact]
    public void Blind_indexes_match_normalized_input_within_a_tenant_only()
    {
        var protector = new PersonalDataProtector(PersonalDataKeys.Load(Secrets));
        string Phone(string value, string tenant) => protector.BlindIndex(PersonalDataProtector.NormalizePhone(value), tenant, "phone");

        Phone("0901 234 567", "acme").ShouldBe(Phone("0901-234-567", "acme"));
        Phone("0901 234 567", "acme").ShouldNotBe(Phone("0901 234 567", "globex"));
        protector.BlindIndex(PersonalDataProtector.NormalizeEmail(" An@Example.VN "), "acme", "email")
            .ShouldBe(protector.BlindIndex("an@example.vn", "acme", "email"));
    }

    [Fact]
    [System.Runtime.Versioning.SupportedOSPlatform("linux")]
    public void The_key_file_is_readable_by_its_owner_only()
    {
        PersonalDataKeys.Load(Secrets);

        var mode = File.GetUnixFileMode(Path.Combine(_dir.Path, "secrets", PersonalDataKeys.FileName));
        (mode & (UnixFileMode.GroupRead | UnixFileMode.OtherRead)).ShouldBe(UnixFileMode.None);
    }
}
