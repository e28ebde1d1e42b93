namespace RedisClone.Node.Util;

/// <summary>
/// Redis's stringmatchlen: '*', '?', '[...]' with '^' and ranges, '\' escapes; byte-wise. Recursion is capped
/// (as Redis caps it) and a failed '*' stops retrying longer matches, so a hostile pattern cannot hang the node.
/// </summary>
internal static class GlobMatcher
{
    private const int MaxNesting = 1000;

    public static bool IsMatch(ReadOnlySpan<byte> pattern, ReadOnlySpan<byte> text, bool ignoreCase = false)
    {
        bool skipLongerMatches = false;
        return Match(pattern, text, ignoreCase, ref skipLongerMatches, 0);
    }

    private static bool Match(ReadOnlySpan<byte> pattern, ReadOnlySpan<byte> text, bool ignoreCase, ref bool skipLongerMatches, int nesting)
    {
        if (nesting > MaxNesting)
        {
            return false;
        }
        int p = 0, s = 0;
        while (p < pattern.Length && s < text.Length)
        {
            switch (pattern[p])
            {
                case (byte)'*':
                    while (p + 1 < pattern.Length && pattern[p + 1] == '*')
                    {
                        p++;
                    }
                    if (p == pattern.Length - 1)
                    {
                        return true;
                    }
                    while (s < text.Length)
                    {
                        if (Match(pattern[(p + 1)..], text[s..], ignoreCase, ref skipLongerMatches, nesting + 1))
                        {
                            return true;
                        }
                        if (skipLongerMatches)
                        {
                            return false;
                        }
                        s++;
                    }
                    skipLongerMatches = true;
                    return false;
                case (byte)'?':
                    s++;
                    break;
                case (byte)'[':
                {
                    p++;
                    bool negate = p < pattern.Length && pattern[p] == '^';
                    if (negate)
                    {
                        p++;
                    }
                    bool matched = false;
                    while (true)
                    {
                        int remaining = pattern.Length - p;
                        if (remaining == 0)
                        {
                            p--; // an unclosed '[' ends at the last pattern byte
                            break;
                        }
                        if (pattern[p] == '\\' && remaining >= 2)
                        {
                            p++;
                            if (Same(pattern[p], text[s], ignoreCase))
                            {
                                matched = true;
                            }
                        }
                        else if (pattern[p] == ']')
                        {
                            break;
                        }
                        else if (remaining >= 3 && pattern[p + 1] == '-')
                        {
                            int start = pattern[p], end = pattern[p + 2], c = text[s];
                            if (start > end)
                            {
                                (start, end) = (end, start);
                            }
                            if (ignoreCase)
                            {
                                start = ToLower(start);
                                end = ToLower(end);
                                c = ToLower(c);
                            }
                            p += 2;
                            if (c >= start && c <= end)
                            {
                                matched = true;
                            }
                        }
                        else if (Same(pattern[p], text[s], ignoreCase))
                        {
                            matched = true;
                        }
                        p++;
                    }
                    if (negate)
                    {
                        matched = !matched;
                    }
                    if (!matched)
                    {
                        return false;
                    }
                    s++;
                    break;
                }
                case (byte)'\\':
                    if (pattern.Length - p >= 2)
                    {
                        p++;
                    }
                    if (!Same(pattern[p], text[s], ignoreCase))
                    {
                        return false;
                    }
                    s++;
                    break;
                default:
                    if (!Same(pattern[p], text[s], ignoreCase))
                    {
                        return false;
                    }
                    s++;
                    break;
            }
            p++;
            if (s == text.Length)
            {
                while (p < pattern.Length && pattern[p] == '*')
                {
                    p++;
                }
                break;
            }
        }
        return p == pattern.Length && s == text.Length;
    }

    private static bool Same(byte a, byte b, bool ignoreCase) => a == b || (ignoreCase && ToLower(a) == ToLower(b));

    private static int ToLower(int c) => c is >= 'A' and <= 'Z' ? c | 0x20 : c;
}
