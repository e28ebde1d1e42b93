using System.Text;

namespace RedisClone.Node.Commands;

/// <summary>
/// What of a command's arguments <c>db.query.text</c> may show, read once from the command's documented syntax
/// (<see cref="CommandDoc.Syntax"/>) and key positions. Names are shown: keys, channels, patterns, configuration
/// parameter names, command names, and the command's keywords (NX, EX, MATCH, AUTH...). Everything else is a value
/// and shows as <c>?</c>, including every argument that follows a keyword taking values (HELLO's AUTH password).
/// </summary>
internal sealed class QueryShape
{
    public enum Slot : byte
    {
        Value,
        Name,
    }

    /// <summary>A keyword and the slots of the arguments it takes ("EX seconds" takes one value).</summary>
    public sealed record Keyword(string Token, Slot[] Takes, bool TakesMany);

    /// <summary>Argument names that identify rather than carry data, though their documented type is a plain string.</summary>
    private static readonly string[] NameArguments = ["channel", "shardchannel", "parameter", "command-name"];

    private readonly Slot[] _positional;
    private readonly int _repeatFrom;
    private readonly int _fixed;
    private readonly Keyword[] _keywords;
    private readonly CommandDefinition _command;

    private QueryShape(CommandDefinition command, Slot[] positional, int repeatFrom, int fixedCount, Keyword[] keywords)
    {
        _command = command;
        _positional = positional;
        _repeatFrom = repeatFrom;
        _fixed = fixedCount;
        _keywords = keywords;
        Prefix = command.OperationName.Replace('|', ' ');
        FirstArgument = command.Parent is null ? 1 : 2;
    }

    /// <summary>"SET", "CLIENT SETNAME": the command as the text starts.</summary>
    public string Prefix { get; }

    /// <summary>Index of the first argument after the command (and subcommand) name.</summary>
    public int FirstArgument { get; }

    /// <summary>How many leading arguments are always positional: a keyword there is a value that looks like one.</summary>
    public int FixedCount => _fixed;

    public IReadOnlyList<Keyword> Keywords => _keywords;

    /// <summary>The slot of the <paramref name="index"/>-th positional argument (0 = the first after the name).</summary>
    public Slot Positional(int index)
    {
        if (index < _positional.Length)
        {
            return _positional[index];
        }
        if (_repeatFrom < 0)
        {
            return Slot.Value;
        }
        int cycle = _positional.Length - _repeatFrom;
        return _positional[_repeatFrom + ((index - _repeatFrom) % cycle)];
    }

    /// <summary>True when argument <paramref name="position"/> of <paramref name="count"/> is a key by the command's key positions.</summary>
    public bool IsKey(int position, int count)
    {
        int first = _command.FirstKey;
        if (first <= 0 || position < first)
        {
            return false;
        }
        int last = _command.LastKey >= 0 ? _command.LastKey : count + _command.LastKey;
        int step = Math.Max(1, _command.KeyStep);
        return position <= last && (position - first) % step == 0;
    }

    public Keyword? FindKeyword(ReadOnlySpan<byte> argument)
    {
        foreach (Keyword keyword in _keywords)
        {
            if (argument.Length == keyword.Token.Length && Ascii.EqualsIgnoreCase(argument, keyword.Token))
            {
                return keyword;
            }
        }
        return null;
    }

    /// <summary>
    /// Reads a syntax line as <see cref="CommandSyntax"/> documents it: a word with a ":type" (or the word <c>key</c>)
    /// is an argument, an upper-case word a keyword, <c>[...]</c> optional, <c>a|b</c> alternatives, <c>...</c>
    /// repetition and <c>name:block(...)</c> a group. Arguments after a keyword in the same group are the keyword's.
    /// </summary>
    public static QueryShape Build(CommandDefinition command)
    {
        List<string> lexemes = Lex(command.Doc.Syntax);
        var positional = new List<Slot>();
        var keywords = new List<Keyword>();
        int repeatFrom = -1, fixedCount = 0, depth = 0;
        bool fixedOpen = true, blockRepeats = false;
        string? owner = null;
        var ownerTakes = new List<Slot>();
        bool ownerMany = false;

        void CloseOwner()
        {
            if (owner is not null && !keywords.Exists(k => k.Token == owner))
            {
                keywords.Add(new Keyword(owner, [.. ownerTakes], ownerMany));
            }
            owner = null;
            ownerTakes.Clear();
            ownerMany = false;
        }

        for (int i = 0; i < lexemes.Count; i++)
        {
            string lexeme = lexemes[i];
            switch (lexeme)
            {
                case "[":
                    CloseOwner();
                    depth++;
                    fixedOpen = false;
                    continue;
                case "]":
                case ")":
                    CloseOwner();
                    depth = Math.Max(0, depth - (lexeme == "]" ? 1 : 0));
                    continue;
                case "|":
                    CloseOwner();
                    if (depth == 0)
                    {
                        fixedOpen = false;
                        fixedCount = 0; // top-level alternatives: no argument is certainly positional
                    }
                    continue;
                case "(":
                    if (blockRepeats)
                    {
                        repeatFrom = positional.Count;
                        if (fixedOpen && depth == 0)
                        {
                            fixedCount = int.MaxValue;
                        }
                    }
                    continue;
            }
            bool many = lexeme.EndsWith("...", StringComparison.Ordinal);
            string word = many ? lexeme[..^3] : lexeme;
            if (i + 1 < lexemes.Count && lexemes[i + 1] == "(")
            {
                blockRepeats = many; // a group header ("data:block..."): its members are the arguments
                continue;
            }
            if (IsKeyword(word))
            {
                CloseOwner();
                owner = word;
                if (depth == 0)
                {
                    fixedOpen = false;
                }
                continue;
            }
            Slot slot = SlotOf(word);
            if (owner is not null)
            {
                ownerTakes.Add(slot);
                ownerMany |= many;
                continue;
            }
            if (many)
            {
                repeatFrom = positional.Count;
            }
            positional.Add(slot);
            if (fixedOpen && depth == 0)
            {
                fixedCount = many ? int.MaxValue : fixedCount == int.MaxValue ? int.MaxValue : fixedCount + 1;
            }
        }
        CloseOwner();
        return new QueryShape(command, [.. positional], repeatFrom, fixedCount, [.. keywords]);
    }

    private static Slot SlotOf(string word)
    {
        string[] parts = word.Split(':');
        string name = parts[0];
        string type = parts.Length > 1 ? parts[^1] : name == "key" ? "key" : "string";
        return type is "key" or "pattern" || NameArguments.Contains(name) ? Slot.Name : Slot.Value;
    }

    private static bool IsKeyword(string word) =>
        word.Length > 0 && word.All(ch => char.IsAsciiLetterUpper(ch) || char.IsAsciiDigit(ch) || ch == '-') && char.IsAsciiLetterUpper(word[0]);

    private static List<string> Lex(string syntax)
    {
        var lexemes = new List<string>();
        int start = -1;
        for (int i = 0; i <= syntax.Length; i++)
        {
            char ch = i < syntax.Length ? syntax[i] : ' ';
            bool separator = ch is ' ' or '[' or ']' or '(' or ')' or '|';
            if (!separator)
            {
                if (start < 0)
                {
                    start = i;
                }
                continue;
            }
            if (start >= 0)
            {
                lexemes.Add(syntax[start..i]);
                start = -1;
            }
            if (ch != ' ')
            {
                lexemes.Add(ch.ToString());
            }
        }
        return lexemes;
    }
}
