using System.Buffers;
using System.Runtime.InteropServices;
using System.Text;
using System.Text.RegularExpressions;

namespace OneClick.Tests.Infrastructure;

/// <summary>A full card number or a CVC where none may be; <see cref="Excerpt"/> shows it masked, never whole.</summary>
public sealed record CardDataFinding(string Kind, string Excerpt);

/// <summary>
/// Finds full card numbers (PANs) and CVCs in bytes or text, for the whole-suite sweep
/// (<see cref="CardDataSweep"/>) and the tests that prove it.
/// <para>
/// A PAN is a run of digits, possibly split by single separators (space, dash, plus, no-break
/// space), each digit or separator also percent-encoded (<c>%34</c>, <c>%20</c>), JSON-escaped
/// (<c>\u0034</c>) or an HTML character reference (<c>&amp;#52;</c>, <c>&amp;nbsp;</c>); bytes are read
/// as ASCII/UTF-8 and as UTF-16 (both byte orders, any alignment). A run is a finding when it holds
/// one of <see cref="KnownCardNumbers"/> anywhere (the numbers the tests type), or when whole groups
/// of it make 13 to 19 digits that start with a card brand's prefix and pass the Luhn check.
/// Not findings: masked numbers (<c>424242XXXXXX4242</c>, <c>•••• 4242</c>: the masks break the run),
/// and runs inside a long token of letters and digits (24 or more characters: hashes, GUIDs,
/// base64 keys and tokens, where 13 digits in a row happen by chance) or shaped as a GUID. Dates,
/// times, amounts and Unix times do not reach 13 digits with a brand prefix (a year 2025-2029 is no
/// Mastercard 2221-2720 prefix; Unix milliseconds start with 1, .NET ticks of these years with 639).
/// </para>
/// <para>
/// A CVC cannot be told by its digits: it is found by what names it, a key <c>cvc</c>, <c>cvv</c>,
/// <c>securityCode</c> or <c>cardVerification…</c> with 3 or 4 digits after <c>=</c> or <c>:</c> (in
/// logs, URLs, JSON, also escaped or percent-encoded), and an <c>&lt;input&gt;</c> so named that
/// echoes a value.
/// </para>
/// </summary>
public static class CardDataDetector
{
    /// <summary>The sandbox cards of docs/protocol.md section 8, then the other valid numbers the tests type.</summary>
    public static readonly IReadOnlyList<string> KnownCardNumbers =
    [
        "4242424242424242", "5555555555554444", "378282246310005", "4000000000000002", "4000000000009995",
        "4000000000000127", "4000000000000069", "4000000000000119", "4000000000000341", "4000002760003184",
        "4111111111111111", "4222222222222", "5105105105105100", "2221000000000009", "2223003122003222",
        "2720990000000007", "371449635398431", "6011111111111117", "6440000000000005", "6500000000000002",
        "3530111333300000", "30569309025904", "36227206271667", "6759649826438453",
    ];

    private const int MaxRunDigits = 256;
    private const int ExcerptContext = 24;

    /// <summary>Text as a program keeps it (logs, headers, URLs, database values).</summary>
    public static List<CardDataFinding> ScanText(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var findings = new List<CardDataFinding>();
        ScanPans(text, knownCardsOnly: false, findings);
        ScanCvcs(text, findings);
        return findings;
    }

    /// <summary>
    /// Bytes as stored or sent: read as ASCII/UTF-8 and, when <paramref name="utf16"/>, also as UTF-16
    /// (a database or file may hold text in either). <paramref name="knownCardsOnly"/> for a database's
    /// pages, where values sit side by side with nothing between them (a time's fraction of a second
    /// runs into the next date): there only the known cards are looked for, and the values are
    /// scanned one by one instead.
    /// </summary>
    public static List<CardDataFinding> ScanBytes(ReadOnlySpan<byte> bytes, bool utf16, bool knownCardsOnly = false)
    {
        var findings = new List<CardDataFinding>();
        // One character per byte: ASCII digits and separators stay what they are, whatever the encoding around them.
        var chars = ArrayPool<char>.Shared.Rent(Math.Max(1, bytes.Length));
        try
        {
            var text = chars.AsSpan(0, Encoding.Latin1.GetChars(bytes, chars));
            ScanPans(text, knownCardsOnly, findings);
            if (HasCvcKeyword(bytes))
            {
                ScanCvcs(text, findings);
            }
        }
        finally
        {
            ArrayPool<char>.Shared.Return(chars);
        }

        if (utf16)
        {
            // Little-endian from even and odd offsets (big-endian text is little-endian one byte on): a
            // character that is not ASCII or Latin-1 there is no digit and no separator.
            for (var offset = 0; offset < 2 && offset < bytes.Length; offset++)
            {
                var wide = MemoryMarshal.Cast<byte, char>(bytes[offset..]);
                ScanPans(wide, knownCardsOnly, findings);
                if (HasUtf16CvcKeyword(bytes))
                {
                    ScanCvcs(wide, findings);
                }
            }
        }

        return findings;
    }

    /// <summary>Whether a database column's name says it holds a CVC.</summary>
    public static bool IsCvcName(string name) => CvcName.IsMatch(name);

    /// <summary>A PAN as it may be shown: brand's first six and last four, the rest X.</summary>
    public static string Mask(string digits) =>
        digits.Length < 11 ? new string('X', digits.Length) : digits[..6] + new string('X', digits.Length - 10) + digits[^4..];

    public static bool Luhn(ReadOnlySpan<char> digits)
    {
        var sum = 0;
        for (var i = 0; i < digits.Length; i++)
        {
            var d = digits[digits.Length - 1 - i] - '0';
            if (i % 2 == 1)
            {
                d *= 2;
                if (d > 9)
                {
                    d -= 9;
                }
            }

            sum += d;
        }

        return sum % 10 == 0;
    }

    /// <summary>The brand whose issuer prefix the digits start with, or null (so no PAN).</summary>
    public static string? Brand(ReadOnlySpan<char> digits)
    {
        if (digits.Length < 4 || digits.ContainsAnyExcept(Digits))
        {
            return null;
        }

        var (two, three, four) = (Prefix(digits, 2), Prefix(digits, 3), Prefix(digits, 4));
        return digits[0] switch
        {
            '4' => "Visa",
            _ when two is >= 51 and <= 55 || four is >= 2221 and <= 2720 => "Mastercard",
            _ when two is 34 or 37 => "Amex",
            _ when four is 6011 || three is >= 644 and <= 649 || two is 65 => "Discover",
            _ when four is >= 3528 and <= 3589 => "JCB",
            _ when three is >= 300 and <= 305 || two is 36 or 38 or 39 => "Diners",
            _ when two is 62 or 81 => "UnionPay",
            _ when four is 5018 or 5020 or 5038 or 5893 or 6304 or 6759 or 6761 or 6762 or 6763 => "Maestro",
            _ when four is >= 2200 and <= 2204 => "Mir",
            _ => null,
        };
    }

    private static readonly SearchValues<char> Digits = SearchValues.Create("0123456789");

    private static int Prefix(ReadOnlySpan<char> digits, int length) => int.Parse(digits[..length], System.Globalization.CultureInfo.InvariantCulture);

    /// <summary>Where a digit (plain or encoded) can start: the scan skips everything else at vector speed.</summary>
    private static readonly SearchValues<char> DigitStarts = SearchValues.Create("0123456789%\\&");

    private static void ScanPans(ReadOnlySpan<char> text, bool knownCardsOnly, List<CardDataFinding> findings)
    {
        Span<char> digits = stackalloc char[MaxRunDigits];
        Span<int> groupEnds = stackalloc int[MaxRunDigits];
        var i = 0;
        while (i < text.Length)
        {
            var next = text[i..].IndexOfAny(DigitStarts);
            if (next < 0)
            {
                return;
            }

            i += next;
            if (!TryDigit(text, i, out _, out _))
            {
                i++;
                continue;
            }

            var start = i;
            var count = 0;
            var groups = 0;
            var end = i;
            while (count < MaxRunDigits && TryDigit(text, i, out var digit, out var width))
            {
                digits[count++] = digit;
                i += width;
                end = i;
                if (TryDigit(text, i, out _, out _))
                {
                    continue;
                }

                groupEnds[groups++] = count;
                if (TrySeparator(text, i, out var separator) && TryDigit(text, i + separator, out _, out _))
                {
                    i += separator;
                }
                else
                {
                    break;
                }
            }

            if (groups == 0 || groupEnds[groups - 1] != count)
            {
                groupEnds[groups++] = count;
            }

            if (count >= 13)
            {
                Inspect(text, digits[..count], groupEnds[..groups], start, end, knownCardsOnly, findings);
            }

            i = Math.Max(end, start + 1);
        }
    }

    private static void Inspect(ReadOnlySpan<char> text, ReadOnlySpan<char> digits, ReadOnlySpan<int> groupEnds, int start, int end, bool knownCardsOnly, List<CardDataFinding> findings)
    {
        foreach (var known in KnownCardNumbers)
        {
            if (digits.IndexOf(known, StringComparison.Ordinal) >= 0)
            {
                findings.Add(new CardDataFinding($"PAN (test card {Mask(known)})", Excerpt(text, start, end, Mask(known))));
                return;
            }
        }

        if (knownCardsOnly || (groupEnds.Length == 1 && IsInLongToken(text, start, end)) || IsGuid(text, start, end) || IsExponentFraction(text, start, end))
        {
            return;
        }

        // Whole groups only: "Order 12 4242 4242 4242 4242" holds a PAN, "2026-03-14 4242" none.
        for (var first = 0; first < groupEnds.Length; first++)
        {
            var from = first == 0 ? 0 : groupEnds[first - 1];
            for (var last = first; last < groupEnds.Length; last++)
            {
                var candidate = digits[from..groupEnds[last]];
                if (candidate.Length > 19)
                {
                    break;
                }

                if (candidate.Length >= 13 && Brand(candidate) is { } brand && Luhn(candidate))
                {
                    var masked = Mask(candidate.ToString());
                    findings.Add(new CardDataFinding($"PAN ({brand}, Luhn-valid, {candidate.Length} digits)", Excerpt(text, start, end, masked)));
                    return;
                }
            }
        }
    }

    /// <summary>A digit, plain or encoded: <c>4</c>, <c>%34</c>, <c>\u0034</c>, <c>&amp;#52;</c>, <c>&amp;#x34;</c>.</summary>
    private static bool TryDigit(ReadOnlySpan<char> text, int i, out char digit, out int width)
    {
        digit = '\0';
        width = 0;
        if (i >= text.Length)
        {
            return false;
        }

        var rest = text[i..];
        switch (rest[0])
        {
            case >= '0' and <= '9':
                (digit, width) = (rest[0], 1);
                break;
            case '%' when rest.Length >= 3 && rest[1] == '3' && char.IsAsciiDigit(rest[2]):
                (digit, width) = (rest[2], 3);
                break;
            case '\\' when rest.Length >= 6 && rest.StartsWith("\\u003") && char.IsAsciiDigit(rest[5]):
                (digit, width) = (rest[5], 6);
                break;
            case '&' when rest.Length >= 5 && rest[1] == '#':
                if (rest[2] is '4' or '5' && char.IsAsciiDigit(rest[3]) && rest[4] == ';' && (rest[2] - '0') * 10 + rest[3] - '0' is >= '0' and <= '9' and var code)
                {
                    (digit, width) = ((char)code, 5);
                }
                else if (rest.Length >= 6 && rest[2] is 'x' or 'X' && rest[3] == '3' && char.IsAsciiDigit(rest[4]) && rest[5] == ';')
                {
                    (digit, width) = (rest[4], 6);
                }

                break;
        }

        return width > 0;
    }

    private static readonly string[] EncodedSeparators =
    [
        "%20", "%2D", "%2d", "%2B", "%2b", "%C2%A0", "%c2%a0", "\\u0020", "\\u002d", "\\u002D", "\\u00a0", "\\u00A0",
        "&nbsp;", "&#32;", "&#45;", "&#160;", "&#x20;", "&#xA0;", "&#xa0;",
    ];

    /// <summary>One separator between groups of digits: space, dash, plus, no-break space, plain or encoded.</summary>
    private static bool TrySeparator(ReadOnlySpan<char> text, int i, out int width)
    {
        width = 0;
        if (i >= text.Length)
        {
            return false;
        }

        var rest = text[i..];
        switch (rest[0])
        {
            case ' ' or '-' or '+' or '\u00A0':
                width = 1;
                return true;
            case '\u00C2' when rest.Length >= 2 && rest[1] == '\u00A0': // UTF-8 no-break space read byte by byte
                width = 2;
                return true;
            case '%' or '\\' or '&':
                foreach (var separator in EncodedSeparators)
                {
                    if (rest.StartsWith(separator, StringComparison.Ordinal))
                    {
                        width = separator.Length;
                        return true;
                    }
                }

                return false;
            default:
                return false;
        }
    }

    private static bool IsTokenChar(char c) => char.IsAsciiLetterOrDigit(c) || c is '_' or '+' or '/' or '=' or '-';

    /// <summary>Digits glued to letters inside a token of 24 characters or more: a hash, key, token or id.</summary>
    private static bool IsInLongToken(ReadOnlySpan<char> text, int start, int end)
    {
        var glued = (start > 0 && char.IsAsciiLetter(text[start - 1])) || (end < text.Length && char.IsAsciiLetter(text[end]));
        if (!glued)
        {
            return false;
        }

        var from = start;
        while (from > 0 && IsTokenChar(text[from - 1]))
        {
            from--;
        }

        var to = end;
        while (to < text.Length && IsTokenChar(text[to]))
        {
            to++;
        }

        return to - from >= 24;
    }

    /// <summary>
    /// The fraction of a number in exponent form, <c>1.2399999999999996E-05</c>: what a metrics page writes
    /// for a histogram's sum (its 16 digits once passed as a Mastercard). A card number is never written so.
    /// </summary>
    private static bool IsExponentFraction(ReadOnlySpan<char> text, int start, int end) =>
        start >= 2 && text[start - 1] == '.' && char.IsAsciiDigit(text[start - 2])
        && end < text.Length && text[end] is 'E' or 'e';

    /// <summary>Inside a GUID's 8-4-4-4-12 hexadecimal form (dashes read as separators would join its groups).</summary>
    private static bool IsGuid(ReadOnlySpan<char> text, int start, int end)
    {
        static bool IsHexOrDash(char c) => char.IsAsciiHexDigit(c) || c == '-';
        var from = start;
        while (from > 0 && IsHexOrDash(text[from - 1]))
        {
            from--;
        }

        var to = end;
        while (to < text.Length && IsHexOrDash(text[to]))
        {
            to++;
        }

        return to - from >= 36 && GuidShape.IsMatch(text[from..to]);
    }

    /// <summary>The run masked, with its context (every other digit there shown as #) to say where it is.</summary>
    private static string Excerpt(ReadOnlySpan<char> text, int start, int end, string masked) =>
        Hide(text[Math.Max(0, start - ExcerptContext)..start]) + "[" + masked + "]" + Hide(text[end..Math.Min(text.Length, end + ExcerptContext)]);

    private static readonly string[] CvcKeywordTexts = ["cvc", "Cvc", "CVC", "cvv", "Cvv", "CVV", "ecurity", "ECURITY", "erification", "ERIFICATION"];

    private static readonly byte[][] CvcKeywords = [.. CvcKeywordTexts.Select(Encoding.ASCII.GetBytes)];

    private static readonly byte[][] Utf16CvcKeywords = [.. CvcKeywordTexts.Select(Encoding.Unicode.GetBytes)];

    private static bool HasCvcKeyword(ReadOnlySpan<byte> bytes)
    {
        foreach (var keyword in CvcKeywords)
        {
            if (bytes.IndexOf(keyword) >= 0)
            {
                return true;
            }
        }

        return false;
    }

    private static bool HasUtf16CvcKeyword(ReadOnlySpan<byte> bytes)
    {
        foreach (var keyword in Utf16CvcKeywords)
        {
            if (bytes.IndexOf(keyword) >= 0)
            {
                return true;
            }
        }

        return false;
    }

    private static void ScanCvcs(ReadOnlySpan<char> text, List<CardDataFinding> findings)
    {
        if (!text.Contains("cv", StringComparison.OrdinalIgnoreCase)
            && !text.Contains("security", StringComparison.OrdinalIgnoreCase)
            && !text.Contains("verification", StringComparison.OrdinalIgnoreCase))
        {
            return;
        }

        foreach (var pattern in new[] { CvcKeyValue, CvcFormEcho })
        {
            foreach (var match in pattern.EnumerateMatches(text))
            {
                // Matches are rare: the value's place is read from a match of the matched text alone.
                var value = pattern.Match(text.Slice(match.Index, match.Length).ToString()).Groups["value"];
                var valueAt = match.Index + value.Index;
                var from = Math.Max(0, match.Index - ExcerptContext);
                var to = Math.Min(text.Length, match.Index + match.Length + ExcerptContext);
                findings.Add(new CardDataFinding("CVC", Hide(text[from..valueAt]) + "***" + Hide(text[(valueAt + value.Length)..to])));
            }
        }
    }

    private static string Hide(ReadOnlySpan<char> context)
    {
        var shown = new StringBuilder(context.Length);
        foreach (var c in context)
        {
            shown.Append(char.IsAsciiDigit(c) ? '#' : c is >= ' ' and < '\u007F' ? c : '·');
        }

        return shown.ToString();
    }

    private const string CvcKey = @"(?:cvc2?|cvv2?|security[ _.\-]?code|card[ _.\-]?verification(?:[ _.\-]?(?:value|code))?)";

    // Between the key and its value: quotes (plain, escaped, percent-encoded), brackets and spaces, then = or :.
    private const string Quote = @"(?:[""'\]\s]|\\""|%22|%27|%5D|\\u0022)";

    // Compiled at run time, not source-generated: the test project builds without optimisation, and
    // these run over every response and file of the suite.
    private const RegexOptions Options = RegexOptions.IgnoreCase | RegexOptions.CultureInvariant | RegexOptions.Compiled;

    private static readonly Regex CvcKeyValue = new(CvcKey + Quote + "{0,6}" + @"(?:=|:|%3D|%3A|\\u003d|\\u003a)" + Quote + "{0,6}" + @"(?<value>\d{3,4})(?!\d)", Options);

    private static readonly Regex CvcFormEcho = new(@"<input\b(?=[^>]*\b(?:name|id)\s*=\s*[""']?[^""'\s>]*" + CvcKey + @")[^>]*\bvalue\s*=\s*[""']?(?<value>\d{3,4})(?!\d)", Options);

    private static readonly Regex CvcName = new(CvcKey, Options);

    private static readonly Regex GuidShape = new("[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}", RegexOptions.Compiled);
}
