namespace RedisClone.Node.Commands;

/// <summary>One argument of a command as COMMAND DOCS describes it.</summary>
internal sealed record DocArgument(string Name, string Type, string? Token, bool Optional, bool Multiple, IReadOnlyList<DocArgument> Children);

/// <summary>
/// Reads the argument line of a <see cref="CommandDoc"/> into COMMAND DOCS arguments. The line is written as Redis's docs
/// write syntax: <c>key</c>, <c>name:type</c>, an upper-case word for a literal token (with the argument after it, if any),
/// <c>[...]</c> optional, <c>a|b</c> one of, <c>...</c> repeated, <c>name:block(...)</c> a group.
/// </summary>
internal static class CommandSyntax
{
    public static IReadOnlyList<DocArgument> Parse(string syntax)
    {
        var position = 0;
        return ParseSequence(syntax, ref position, '\0');
    }

    private static List<DocArgument> ParseSequence(string s, ref int p, char end)
    {
        var items = new List<DocArgument>();
        var alternatives = new List<List<DocArgument>>();
        while (p < s.Length && s[p] != end)
        {
            char ch = s[p];
            if (ch == ' ')
            {
                p++;
            }
            else if (ch == '|')
            {
                alternatives.Add(items);
                items = [];
                p++;
            }
            else if (ch == '[')
            {
                p++;
                List<DocArgument> inner = ParseSequence(s, ref p, ']');
                p++; // ']'
                bool multiple = TakeEllipsis(s, ref p);
                DocArgument group = inner.Count == 1 ? inner[0] : new DocArgument(NameOf(inner), "block", null, false, false, inner);
                items.Add(group with { Optional = true, Multiple = multiple || group.Multiple });
            }
            else
            {
                items.Add(ParseWord(s, ref p));
            }
        }
        if (alternatives.Count == 0)
        {
            return MergeTokens(items);
        }
        alternatives.Add(items);
        var options = alternatives.Select(a => MergeTokens(a)).Select(a => a.Count == 1 ? a[0] : new DocArgument(NameOf(a), "block", null, false, false, a)).ToList();
        return [new DocArgument(NameOf(options, "-"), "oneof", null, false, false, options)];
    }

    private static DocArgument ParseWord(string s, ref int p)
    {
        int start = p;
        while (p < s.Length && s[p] is not (' ' or '|' or ']' or '[' or '(' or ')'))
        {
            p++;
        }
        string word = s[start..p];
        bool multiple = word.EndsWith("...", StringComparison.Ordinal);
        if (multiple)
        {
            word = word[..^3];
        }
        if (p < s.Length && s[p] == '(')
        {
            p++;
            List<DocArgument> inner = ParseSequence(s, ref p, ')');
            p++;
            string name = word.Split(':')[0];
            return new DocArgument(name, "block", null, false, multiple, inner);
        }
        if (word.Length > 0 && word.All(ch => char.IsAsciiLetterUpper(ch) || ch == '-' || char.IsAsciiDigit(ch)))
        {
            return new DocArgument(word.ToLowerInvariant(), "pure-token", word, false, multiple, []);
        }
        // The type follows the last colon: "ip:port:string" is the argument "ip:port" of type string.
        int colon = word.LastIndexOf(':');
        string argument = colon < 0 ? word : word[..colon];
        string type = colon >= 0 ? word[(colon + 1)..] : argument == "key" ? "key" : "string";
        return new DocArgument(argument, type, null, false, multiple, []);
    }

    private static bool TakeEllipsis(string s, ref int p)
    {
        if (p + 3 <= s.Length && s.AsSpan(p, 3).SequenceEqual("..."))
        {
            p += 3;
            return true;
        }
        return false;
    }

    /// <summary>"EX seconds" is one argument with a token, as Redis documents it.</summary>
    private static List<DocArgument> MergeTokens(List<DocArgument> items)
    {
        var merged = new List<DocArgument>();
        for (int i = 0; i < items.Count; i++)
        {
            DocArgument item = items[i];
            // Only a bare token takes the value after it: "[GET] [EX seconds|...]" are two separate options.
            if (item.Type == "pure-token" && !item.Optional && !item.Multiple && i + 1 < items.Count
                && items[i + 1] is { Type: not "pure-token", Token: null, Optional: false })
            {
                DocArgument next = items[++i];
                merged.Add(next with { Token = item.Token });
            }
            else
            {
                merged.Add(item);
            }
        }
        return merged;
    }

    private static string NameOf(IReadOnlyList<DocArgument> parts, string separator = "-") =>
        string.Join(separator, parts.Select(a => a.Name));
}
