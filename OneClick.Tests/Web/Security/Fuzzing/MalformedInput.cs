using System.Globalization;
using System.Text;
using Microsoft.AspNetCore.WebUtilities;

namespace OneClick.Tests.Web.Security.Fuzzing;

/// <summary>
/// The one generator of the fuzz suite: a seeded source of hostile values and of small random
/// choices, so that a seed replays the very same requests. Text comes in two forms: decoded (what a
/// field reads once the gateway decoded it) and wire text (percent-encoded, possibly badly), because
/// bad encodings exist only on the wire.
/// </summary>
public sealed class MalformedInput(int seed)
{
    private readonly Random random = new(seed);

    public int Seed => seed;

    // ---- choices ----

    public int Next(int maxExclusive) => random.Next(maxExclusive);

    public int Between(int min, int maxInclusive) => random.Next(min, maxInclusive + 1);

    public bool Chance(double probability) => random.NextDouble() < probability;

    public T Pick<T>(IReadOnlyList<T> items) => items[random.Next(items.Count)];

    public T Pick<T>(T first, T second, params T[] rest) => Pick([first, second, .. rest]);

    public List<T> Shuffled<T>(IEnumerable<T> items)
    {
        var list = items.ToList();
        for (var i = list.Count - 1; i > 0; i--)
        {
            var j = random.Next(i + 1);
            (list[i], list[j]) = (list[j], list[i]);
        }

        return list;
    }

    // ---- decoded hostile text ----

    /// <summary>Characters that look like nothing, reverse the text, or end it: RTL override, zero-width, BOM, NUL, combining marks.</summary>
    public static readonly IReadOnlyList<string> UnicodeTricks =
    [
        "\u202E", "\u202D", "\u2066", "\u2069", "\u200B", "\u200C", "\u200D", "\u2060", "\uFEFF", "\u0000",
        "\u0301", "e\u0301\u0301\u0301", "\u00A0", "\u2028", "\u0085", "\u001B[31m", "\r\n", "\t", "\uFFFD", "\U0001F4B3",
    ];

    /// <summary>Values no rule of this gateway takes for a number, a code or an id: other digits, exponents, signs, separators.</summary>
    public static readonly IReadOnlyList<string> NotANumber =
    [
        "１０", "٣", "۹.۹۹", "१०", "1e3", "-0", "-1", "+9.99", "NaN", "Infinity", "-Infinity", "9.999", "1,00", "1 000", "0x10",
        "9.", ".99", "0", "0.00", "00.10", "1000000.01", "99999999999999999999999999999", "9.99 ", " 9.99", "true", "null", "[]",
        "{}", "\"9.99\"", "9,99", "9.9.9", "1_000", "٫٩٩", "9\u00A0",
    ];

    /// <summary>A digit string written with full-width or Arabic-Indic digits, which look like 0-9 and are not.</summary>
    public string LookAlikeDigits(string digits)
    {
        var zero = Pick('\uFF10', '\u0660', '\u06F0', '\u0966');
        return new string(digits.Select(c => char.IsAsciiDigit(c) ? (char)(zero + (c - '0')) : c).ToArray());
    }

    /// <summary>A value of about 100 KB (or <paramref name="length"/>): digits, letters, or spaces.</summary>
    public string Huge(int length = 100 * 1024) => Pick(
        () => new string('9', length),
        () => new string('x', length),
        () => string.Concat(Enumerable.Repeat("é\u0301", length / 2)),
        () => new string(' ', length),
        () => string.Concat(Enumerable.Repeat("\u202E", length)))();

    /// <summary>Random text from a palette of ASCII, punctuation, separators and the tricks above.</summary>
    public string RandomText(int maxLength)
    {
        var text = new StringBuilder();
        var length = Between(0, maxLength);
        while (text.Length < length)
        {
            text.Append(Next(6) switch
            {
                0 => Pick(UnicodeTricks),
                1 => ((char)Between('!', '~')).ToString(),
                2 => Pick("&", "=", "%", "+", "?", "#", "/", ";", ":", "\"", "'", "<", ">", "\\"),
                3 => ((char)Between(0x80, 0x2FFF)).ToString(),
                _ => ((char)Between('a', 'z')).ToString(),
            });
        }

        return text.ToString();
    }

    /// <summary>A random run of letters and digits.</summary>
    public string RandomWord(int min = 1, int max = 12) =>
        new(Enumerable.Range(0, Between(min, max)).Select(_ => "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789"[Next(62)]).ToArray());

    /// <summary>Random bytes, for bodies that are no encoding at all.</summary>
    public byte[] RandomBytes(int maxLength)
    {
        var bytes = new byte[Between(1, maxLength)];
        random.NextBytes(bytes);
        return bytes;
    }

    // ---- wire text ----

    /// <summary>
    /// Percent-encodings a decoder must survive: a lone '%', bad hex, the IIS '%u' form, a lone UTF-16
    /// surrogate in UTF-8 (%ED%A0%80), an overlong '/' (%C0%AF), a cut sequence, bytes no UTF-8 has, NUL.
    /// </summary>
    public static readonly IReadOnlyList<string> BadEncodings =
    [
        "%", "%zz", "%u0041", "%ED%A0%80", "%C0%AF", "%E0%80%AF", "%FF", "%FE%FF", "%E2%82", "%F0%9F%92", "%%", "%0", "%2", "%00", "%C3%28",
        "%F8%88%80%80%80", "%2e%2e%2f", "%252e", "%E2%80%AE", "%EF%BB%BF",
    ];

    public string BadEncoding() => Pick(BadEncodings);

    /// <summary>Percent-encodes UTF-8 as a browser does (a lone surrogate becomes U+FFFD, as in every UTF-8 encoder).</summary>
    public static string Encode(string text)
    {
        var wire = new StringBuilder(text.Length);
        foreach (var b in Encoding.UTF8.GetBytes(text))
        {
            if (b is (>= (byte)'a' and <= (byte)'z') or (>= (byte)'A' and <= (byte)'Z') or (>= (byte)'0' and <= (byte)'9') or (byte)'-' or (byte)'_' or (byte)'.' or (byte)'~')
            {
                wire.Append((char)b);
            }
            else
            {
                wire.Append('%').Append(b.ToString("X2", CultureInfo.InvariantCulture));
            }
        }

        return wire.ToString();
    }

    /// <summary>One <c>name=value</c> pair of a query or form, both percent-encoded.</summary>
    public static string Segment(string name, string value) => Encode(name) + "=" + Encode(value);

    /// <summary>Sets the wire value of <paramref name="name"/>'s first pair, or adds the pair.</summary>
    public static void Replace(List<string> segments, string name, string wireValue)
    {
        ArgumentNullException.ThrowIfNull(segments);
        var at = segments.FindIndex(s => s.StartsWith(name + "=", StringComparison.Ordinal));
        if (at < 0)
        {
            segments.Add(name + "=" + wireValue);
        }
        else
        {
            segments[at] = name + "=" + wireValue;
        }
    }

    /// <summary>
    /// The pairs as ASP.NET Core decodes them (the query, then a form body), the first of a repeated
    /// name kept: what a signature must cover for the gateway to accept it.
    /// </summary>
    public static List<KeyValuePair<string, string>> Decode(string query, string? body = null)
    {
        var values = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var pair in new QueryStringEnumerable(query))
        {
            values.TryAdd(pair.DecodeName().ToString(), pair.DecodeValue().ToString());
        }

        if (body is not null)
        {
            // Pair by pair, with each name's case: the gateway keeps 'shopID' and 'ShopID' apart.
            using var reader = new FormReader(body) { ValueCountLimit = int.MaxValue, KeyLengthLimit = int.MaxValue, ValueLengthLimit = int.MaxValue };
            while (reader.ReadNextPair() is { } pair)
            {
                values.TryAdd(pair.Key, pair.Value);
            }
        }

        return [.. values];
    }

    /// <summary>Decoded text or a bad encoding dropped into the middle of <paramref name="wire"/>.</summary>
    public string Spliced(string wire, string insert)
    {
        var at = wire.Length == 0 ? 0 : Next(wire.Length + 1);
        // Never inside an existing %XX: the splice is the only bad part.
        while (at > 0 && at < wire.Length && (wire[at - 1] == '%' || (at > 1 && wire[at - 2] == '%')))
        {
            at--;
        }

        return wire[..at] + insert + wire[at..];
    }
}
