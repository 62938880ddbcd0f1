using System.Security.Cryptography;
using Tessera.ServiceDefaults.Security;

namespace Tessera.ServiceDefaults.Tests;

public sealed class SignedTokenCodecTests
{
    private static readonly byte[] Key = RandomNumberGenerator.GetBytes(32);

    private sealed class Clock(DateTimeOffset now) : TimeProvider
    {
        public DateTimeOffset Now { get; set; } = now;
        public override DateTimeOffset GetUtcNow() => Now;
    }

    [Fact]
    public void A_token_round_trips_its_user_tenant_and_roles()
    {
        var codec = new SignedTokenCodec([Key], TimeProvider.System);

        var result = codec.Validate(codec.Issue("lan", "acme", ["sales", "viewer"], TokenAudiences.Internal, TimeSpan.FromMinutes(1)), TokenAudiences.Internal);

        result.IsValid.ShouldBeTrue();
        (result.Claims!.Subject, result.Claims.Tenant).ShouldBe(("lan", "acme"));
        result.Claims.Roles.ShouldBe(["sales", "viewer"]);
    }

    [Fact]
    public void Expiry_allows_thirty_seconds_of_clock_skew_and_no_more()
    {
        var clock = new Clock(DateTimeOffset.UtcNow);
        var codec = new SignedTokenCodec([Key], clock);
        var token = codec.Issue("lan", "acme", [], TokenAudiences.Internal, TimeSpan.FromMinutes(1));

        clock.Now += TimeSpan.FromSeconds(85);
        codec.Validate(token, TokenAudiences.Internal).IsValid.ShouldBeTrue();
        clock.Now += TimeSpan.FromSeconds(10);
        codec.Validate(token, TokenAudiences.Internal).Failure.ShouldBe(TokenFailure.Expired);
    }

    [Fact]
    public void Tampering_a_wrong_key_a_wrong_audience_and_garbage_are_each_refused_for_what_they_are()
    {
        var codec = new SignedTokenCodec([Key], TimeProvider.System);
        var token = codec.Issue("lan", "acme", [], TokenAudiences.Internal, TimeSpan.FromMinutes(1));
        var parts = token.Split('.');
        var otherSignature = new SignedTokenCodec([RandomNumberGenerator.GetBytes(32)], TimeProvider.System)
            .Issue("lan", "acme", [], TokenAudiences.Internal, TimeSpan.FromMinutes(1)).Split('.')[2];

        codec.Validate($"{parts[0]}.{parts[1]}.{otherSignature}", TokenAudiences.Internal).Failure.ShouldBe(TokenFailure.BadSignature);
        codec.Validate(new SignedTokenCodec([RandomNumberGenerator.GetBytes(32)], TimeProvider.System)
            .Issue("lan", "acme", [], TokenAudiences.Internal, TimeSpan.FromMinutes(1)), TokenAudiences.Internal).Failure.ShouldBe(TokenFailure.UnknownKey);
        codec.Validate(token, TokenAudiences.Api).Failure.ShouldBe(TokenFailure.WrongAudience);
        codec.Validate("a.b", TokenAudiences.Internal).Failure.ShouldBe(TokenFailure.Malformed);
        codec.Validate("%%.&&.**", TokenAudiences.Internal).Failure.ShouldBe(TokenFailure.Malformed);
    }

    [Fact]
    public void A_rotated_ring_signs_with_the_new_key_and_still_accepts_the_old()
    {
        var newKey = RandomNumberGenerator.GetBytes(32);
        var before = new SignedTokenCodec([Key], TimeProvider.System);
        var after = new SignedTokenCodec([newKey, Key], TimeProvider.System);
        var oldToken = before.Issue("lan", "acme", [], TokenAudiences.Internal, TimeSpan.FromMinutes(1));

        after.Validate(oldToken, TokenAudiences.Internal).IsValid.ShouldBeTrue();
        before.Validate(after.Issue("lan", "acme", [], TokenAudiences.Internal, TimeSpan.FromMinutes(1)), TokenAudiences.Internal)
            .Failure.ShouldBe(TokenFailure.UnknownKey);
    }

    [Fact]
    public void Short_keys_are_refused()
    {
        Should.Throw<ArgumentException>(() => new SignedTokenCodec([new byte[16]], TimeProvider.System));
    }
}
