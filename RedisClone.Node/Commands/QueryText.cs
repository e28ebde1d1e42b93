using System.Runtime.CompilerServices;
using System.Text;
using RedisClone.Node.Protocol;

namespace RedisClone.Node.Commands;

/// <summary>
/// The sanitised <c>db.query.text</c> of a command (opt-in: <c>--trace-query-text yes</c>), following OpenTelemetry's
/// rule for Redis (<c>HMSET myhash field1 ? field2 ?</c>): names are kept, every value is <c>?</c>
/// (<see cref="QueryShape"/> says which is which). Bounded like Redis's SLOWLOG entries: at most
/// <see cref="MaxArguments"/> arguments and <see cref="MaxArgumentBytes"/> bytes of any one argument, and at most
/// <see cref="MaxLength"/> characters in all, so a huge key or a long MSET costs a bounded amount.
/// </summary>
internal static class QueryText
{
    public const int MaxArguments = 32;
    public const int MaxArgumentBytes = 128;
    public const int MaxLength = 1024;

    private const string Hex = "0123456789abcdef";

    private static readonly ConditionalWeakTable<CommandDefinition, QueryShape> Shapes = [];

    [ThreadStatic]
    private static StringBuilder? t_text;

    public static QueryShape ShapeOf(CommandDefinition command) => Shapes.GetValue(command, QueryShape.Build);

    public static string Format(CommandArguments args, CommandDefinition command)
    {
        QueryShape shape = ShapeOf(command);
        StringBuilder text = t_text ??= new StringBuilder(MaxLength + 64);
        text.Clear();
        text.Append(shape.Prefix);
        int count = args.Count;
        int positional = 0;
        int takes = 0;
        QueryShape.Keyword? owner = null;
        for (int i = shape.FirstArgument; i < count; i++)
        {
            int before = text.Length;
            if (i >= MaxArguments - 1 && count > MaxArguments)
            {
                // Redis's SLOWLOG: the last shown argument says how many more there were.
                AppendMore(text, count - i);
                break;
            }
            ReadOnlySpan<byte> arg = args[i];
            text.Append(' ');
            QueryShape.Keyword? keyword = null;
            if (owner is not null && (takes < owner.Takes.Length || (owner.TakesMany && shape.FindKeyword(arg) is null)))
            {
                QueryShape.Slot slot = owner.Takes[Math.Min(takes, owner.Takes.Length - 1)];
                takes++;
                AppendArgument(text, arg, slot == QueryShape.Slot.Name || shape.IsKey(i, count));
            }
            else if (positional >= shape.FixedCount && (keyword = shape.FindKeyword(arg)) is not null)
            {
                text.Append(keyword.Token);
                owner = keyword.Takes.Length > 0 ? keyword : null;
                takes = 0;
            }
            else
            {
                owner = null;
                QueryShape.Slot slot = shape.Positional(positional++);
                AppendArgument(text, arg, slot == QueryShape.Slot.Name || shape.IsKey(i, count));
            }
            int remaining = count - i - 1;
            if (text.Length + (remaining > 0 ? MoreLength(remaining) : 0) > MaxLength)
            {
                text.Length = before;
                AppendMore(text, count - i);
                break;
            }
        }
        return text.ToString();
    }

    private static void AppendMore(StringBuilder text, int more) =>
        text.Append(" ... (").Append(more).Append(more == 1 ? " more argument)" : " more arguments)");

    private static int MoreLength(int more) => " ... (".Length + (int)Math.Floor(Math.Log10(more) + 1) + (more == 1 ? " more argument)" : " more arguments)").Length;

    private static void AppendArgument(StringBuilder text, ReadOnlySpan<byte> arg, bool shown)
    {
        if (!shown)
        {
            text.Append('?');
            return;
        }
        ReadOnlySpan<byte> head = arg.Length > MaxArgumentBytes ? arg[..MaxArgumentBytes] : arg;
        if (IsBare(head))
        {
            foreach (byte b in head)
            {
                text.Append((char)b);
            }
        }
        else
        {
            AppendQuoted(text, head);
        }
        if (arg.Length > MaxArgumentBytes)
        {
            text.Append("... (").Append(arg.Length - MaxArgumentBytes).Append(" more bytes)");
        }
    }

    /// <summary>Printable ASCII with nothing redis-cli would need to quote.</summary>
    private static bool IsBare(ReadOnlySpan<byte> arg)
    {
        if (arg.IsEmpty)
        {
            return false;
        }
        foreach (byte b in arg)
        {
            if (b is <= (byte)' ' or >= 0x7f or (byte)'"' or (byte)'\'' or (byte)'\\')
            {
                return false;
            }
        }
        return true;
    }

    /// <summary>Redis's sdscatrepr: double quotes, C escapes, \xHH for any other byte outside printable ASCII.</summary>
    private static void AppendQuoted(StringBuilder text, ReadOnlySpan<byte> arg)
    {
        text.Append('"');
        foreach (byte b in arg)
        {
            switch (b)
            {
                case (byte)'\\': text.Append("\\\\"); break;
                case (byte)'"': text.Append("\\\""); break;
                case (byte)'\n': text.Append("\\n"); break;
                case (byte)'\r': text.Append("\\r"); break;
                case (byte)'\t': text.Append("\\t"); break;
                case 7: text.Append("\\a"); break;
                case 8: text.Append("\\b"); break;
                default:
                    if (b is < 0x20 or >= 0x7f)
                    {
                        text.Append("\\x").Append(Hex[b >> 4]).Append(Hex[b & 0xf]);
                    }
                    else
                    {
                        text.Append((char)b);
                    }
                    break;
            }
        }
        text.Append('"');
    }
}
