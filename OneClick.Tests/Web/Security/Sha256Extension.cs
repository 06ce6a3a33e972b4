using System.Buffers.Binary;
using static System.Numerics.BitOperations;

namespace OneClick.Tests.Web.Security;

/// <summary>
/// SHA-256 resumed from a published digest: the length-extension attack on a keyed prefix hash.
/// A SHA-256 digest is the hash's whole internal state after the padded message, so whoever knows
/// SHA-256(key + m) and the length of key + m can compute SHA-256(key + m + padding + extra) without
/// the key. The FlexPay signature, SHA-256(key + ":" + params), is such a hash. .NET's SHA256 cannot
/// start from a given state, hence this compact FIPS 180-4 compression function (checked against
/// SHA256.HashData in a test, so that a refusal proves the defence, not a bug in the forgery).
/// </summary>
internal static class Sha256Extension
{
    private static readonly uint[] K =
    [
        0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b, 0x59f111f1, 0x923f82a4, 0xab1c5ed5,
        0xd807aa98, 0x12835b01, 0x243185be, 0x550c7dc3, 0x72be5d74, 0x80deb1fe, 0x9bdc06a7, 0xc19bf174,
        0xe49b69c1, 0xefbe4786, 0x0fc19dc6, 0x240ca1cc, 0x2de92c6f, 0x4a7484aa, 0x5cb0a9dc, 0x76f988da,
        0x983e5152, 0xa831c66d, 0xb00327c8, 0xbf597fc7, 0xc6e00bf3, 0xd5a79147, 0x06ca6351, 0x14292967,
        0x27b70a85, 0x2e1b2138, 0x4d2c6dfc, 0x53380d13, 0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85,
        0xa2bfe8a1, 0xa81a664b, 0xc24b8b70, 0xc76c51a3, 0xd192e819, 0xd6990624, 0xf40e3585, 0x106aa070,
        0x19a4c116, 0x1e376c08, 0x2748774c, 0x34b0bcb5, 0x391c0cb3, 0x4ed8aa4a, 0x5b9cca4f, 0x682e6ff3,
        0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208, 0x90befffa, 0xa4506ceb, 0xbef9a3f7, 0xc67178f2,
    ];

    /// <summary>The padding SHA-256 appends to a message of this many bytes: 0x80, NULs, the bit length (big-endian).</summary>
    public static byte[] Padding(long messageLength)
    {
        var zeros = (int)((55 - (messageLength % 64) + 64) % 64);
        var padding = new byte[1 + zeros + 8];
        padding[0] = 0x80;
        BinaryPrimitives.WriteUInt64BigEndian(padding.AsSpan(1 + zeros), (ulong)messageLength * 8);
        return padding;
    }

    /// <summary>SHA-256(m + Padding(m.Length) + extra), from SHA-256(m) and m's length alone.</summary>
    public static byte[] Extend(byte[] digest, long messageLength, byte[] extra)
    {
        var state = new uint[8];
        for (var i = 0; i < 8; i++)
        {
            state[i] = BinaryPrimitives.ReadUInt32BigEndian(digest.AsSpan(i * 4));
        }

        var processed = messageLength + Padding(messageLength).Length;
        byte[] tail = [.. extra, .. Padding(processed + extra.Length)];
        for (var at = 0; at < tail.Length; at += 64)
        {
            Compress(state, tail.AsSpan(at, 64));
        }

        var result = new byte[32];
        for (var i = 0; i < 8; i++)
        {
            BinaryPrimitives.WriteUInt32BigEndian(result.AsSpan(i * 4), state[i]);
        }

        return result;
    }

    private static void Compress(uint[] h, ReadOnlySpan<byte> block)
    {
        Span<uint> w = stackalloc uint[64];
        for (var t = 0; t < 16; t++)
        {
            w[t] = BinaryPrimitives.ReadUInt32BigEndian(block[(t * 4)..]);
        }

        for (var t = 16; t < 64; t++)
        {
            var s0 = RotateRight(w[t - 15], 7) ^ RotateRight(w[t - 15], 18) ^ (w[t - 15] >> 3);
            var s1 = RotateRight(w[t - 2], 17) ^ RotateRight(w[t - 2], 19) ^ (w[t - 2] >> 10);
            w[t] = w[t - 16] + s0 + w[t - 7] + s1;
        }

        uint a = h[0], b = h[1], c = h[2], d = h[3], e = h[4], f = h[5], g = h[6], hh = h[7];
        for (var t = 0; t < 64; t++)
        {
            var t1 = hh + (RotateRight(e, 6) ^ RotateRight(e, 11) ^ RotateRight(e, 25)) + ((e & f) ^ (~e & g)) + K[t] + w[t];
            var t2 = (RotateRight(a, 2) ^ RotateRight(a, 13) ^ RotateRight(a, 22)) + ((a & b) ^ (a & c) ^ (b & c));
            (hh, g, f, e, d, c, b, a) = (g, f, e, d + t1, c, b, a, t1 + t2);
        }

        h[0] += a;
        h[1] += b;
        h[2] += c;
        h[3] += d;
        h[4] += e;
        h[5] += f;
        h[6] += g;
        h[7] += hh;
    }
}
