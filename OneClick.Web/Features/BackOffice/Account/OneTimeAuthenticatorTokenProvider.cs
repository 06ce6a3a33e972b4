using System.Security.Cryptography;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using OneClick.Web.Features.Staff;
using OneClick.Web.Persistence;

namespace OneClick.Web.Features.BackOffice.Account;

/// <summary>
/// Authenticator app codes (RFC 6238: HMAC-SHA1, 6 digits, 30-second steps) that work once per
/// account: a code is taken for the current step or one step either side (a phone's clock drifts),
/// and only if its step is later than the last one this person used, which is kept with them.
/// Identity's own provider took any code of the last 90 seconds, as often as it was sent, and read
/// the wall clock; this one reads the injected <see cref="TimeProvider"/>.
/// </summary>
public sealed class OneTimeAuthenticatorTokenProvider(OneClickDbContext db, TimeProvider clock) : IUserTwoFactorTokenProvider<StaffUser>
{
    public const string Name = "OneTimeAuthenticator";

    private const int StepSeconds = 30;

    public async Task<bool> CanGenerateTwoFactorTokenAsync(UserManager<StaffUser> manager, StaffUser user) =>
        !string.IsNullOrWhiteSpace(await manager.GetAuthenticatorKeyAsync(user));

    /// <summary>The app makes the codes; the gateway never sends one.</summary>
    public Task<string> GenerateAsync(string purpose, UserManager<StaffUser> manager, StaffUser user) => Task.FromResult(string.Empty);

    public async Task<bool> ValidateAsync(string purpose, string token, UserManager<StaffUser> manager, StaffUser user)
    {
        if (token.Length != 6 || !token.All(char.IsAsciiDigit) || await manager.GetAuthenticatorKeyAsync(user) is not { Length: > 0 } key)
        {
            return false;
        }

        var keyBytes = FromBase32(key);
        var now = clock.GetUtcNow().ToUnixTimeSeconds() / StepSeconds;
        long? matched = null;
        for (var step = now - 1; step <= now + 1; step++)
        {
            // Every step is computed and compared in fixed time: which one matched shows in no timing.
            if (CryptographicOperations.FixedTimeEquals(System.Text.Encoding.ASCII.GetBytes(Code(keyBytes, step)), System.Text.Encoding.ASCII.GetBytes(token)))
            {
                matched ??= step;
            }
        }

        if (matched is not { } used)
        {
            return false;
        }

        // Taken in one statement: of two sessions sending the same code at once, one wins.
        var taken = await db.Users.Where(u => u.Id == user.Id && (u.LastTwoFactorStep == null || u.LastTwoFactorStep < used))
            .ExecuteUpdateAsync(set => set.SetProperty(u => u.LastTwoFactorStep, used));
        if (taken == 0)
        {
            return false;
        }

        // The loaded user agrees, so that Identity's next save of it writes the step again, not an older one.
        var entry = db.Entry(user);
        user.LastTwoFactorStep = used;
        if (entry.State != EntityState.Detached)
        {
            entry.Property(u => u.LastTwoFactorStep).OriginalValue = used;
        }

        return true;
    }

    private static string Code(byte[] key, long step)
    {
        Span<byte> counter = stackalloc byte[8];
        System.Buffers.Binary.BinaryPrimitives.WriteInt64BigEndian(counter, step);
#pragma warning disable CA5350 // RFC 6238 authenticator apps use HMAC-SHA1.
        var hash = HMACSHA1.HashData(key, counter);
#pragma warning restore CA5350
        var offset = hash[^1] & 0x0f;
        var binary = ((hash[offset] & 0x7f) << 24) | (hash[offset + 1] << 16) | (hash[offset + 2] << 8) | hash[offset + 3];
        return (binary % 1_000_000).ToString("D6", System.Globalization.CultureInfo.InvariantCulture);
    }

    private static byte[] FromBase32(string text)
    {
        const string Alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";
        var bits = 0;
        var value = 0;
        var bytes = new List<byte>();
        foreach (var c in text.ToUpperInvariant())
        {
            var digit = Alphabet.IndexOf(c, StringComparison.Ordinal);
            if (digit < 0)
            {
                continue;
            }

            value = (value << 5) | digit;
            bits += 5;
            if (bits >= 8)
            {
                bytes.Add((byte)(value >> (bits - 8)));
                bits -= 8;
            }
        }

        return [.. bytes];
    }
}
