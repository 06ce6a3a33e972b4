using OneClick.Core.Shops;

namespace OneClick.Tests.Core.Shops;

public class ApiKeyTests
{
    private static readonly DateTime T0 = CoreTestData.Now;

    [Fact]
    public void Generate_makes_a_random_ock_key_and_keeps_only_its_hash_and_prefix()
    {
        var (apiKey, plaintext) = ApiKey.Generate(64233, "  Checkout server ", T0);

        plaintext.ShouldStartWith("ock_");
        plaintext.Length.ShouldBe(4 + 43); // base64url of 32 bytes, no padding
        plaintext[4..].ShouldMatch("^[A-Za-z0-9_-]{43}$");
        apiKey.ShopId.ShouldBe(64233);
        apiKey.Name.ShouldBe("Checkout server");
        apiKey.Prefix.ShouldBe(plaintext[..12]);
        apiKey.KeyHash.ShouldBe(ApiKey.Hash(plaintext));
        apiKey.KeyHash.ShouldMatch("^[0-9a-f]{64}$");
        apiKey.CreatedAt.ShouldBe(T0);
        apiKey.RevokedAt.ShouldBeNull();
        apiKey.IsActive.ShouldBeTrue();
    }

    [Fact]
    public void Generate_never_makes_the_same_key_twice()
    {
        var keys = Enumerable.Range(0, 50).Select(_ => ApiKey.Generate(1, "k", T0).Plaintext).ToList();

        keys.Distinct(StringComparer.Ordinal).Count().ShouldBe(50);
    }

    [Fact]
    public void Hash_is_the_sha256_hex_of_the_whole_key()
    {
        // SHA-256("abc"), the FIPS 180-2 test vector.
        ApiKey.Hash("abc").ShouldBe("ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
        ApiKey.Hash("ock_a").ShouldNotBe(ApiKey.Hash("ock_b"));
    }

    [Theory]
    [InlineData("")]
    [InlineData("   ")]
    public void Generate_refuses_a_blank_name(string name) =>
        Should.Throw<ArgumentException>(() => ApiKey.Generate(1, name, T0));

    [Fact]
    public void Generate_takes_names_of_1_to_100_characters()
    {
        ApiKey.Generate(1, "k", T0).Key.Name.ShouldBe("k");
        ApiKey.Generate(1, new string('n', 100), T0).Key.Name.Length.ShouldBe(100);
        Should.Throw<ArgumentException>(() => ApiKey.Generate(1, new string('n', 101), T0));
    }

    [Fact]
    public void Revoke_is_kept_at_its_first_time()
    {
        var (apiKey, _) = ApiKey.Generate(1, "k", T0);

        apiKey.Revoke(T0.AddHours(1));
        apiKey.Revoke(T0.AddHours(2));

        apiKey.RevokedAt.ShouldBe(T0.AddHours(1));
        apiKey.IsActive.ShouldBeFalse();
    }

    [Fact]
    public void FromKey_stores_a_configured_key_hashed_and_never_shows_more_than_half_of_it()
    {
        var configured = ApiKey.FromKey(1, "Seeded key", "ock_configured_key_0123456789", T0);
        configured.KeyHash.ShouldBe(ApiKey.Hash("ock_configured_key_0123456789"));
        configured.Prefix.ShouldBe("ock_configur");

        ApiKey.FromKey(1, "Seeded key", "short-key", T0).Prefix.ShouldBe("shor");
    }
}
