namespace RedisClone.Node.Protocol;

/// <summary>Splits an inline command line into arguments with the quoting rules of Redis's sdssplitargs.</summary>
internal static class InlineSplitter
{
    /// <returns>false when quotes are unbalanced (or a closing quote is not followed by a space).</returns>
    public static bool Split(ReadOnlySpan<byte> line, CommandArguments args)
    {
        int nul = line.IndexOf((byte)0);
        if (nul >= 0)
        {
            line = line[..nul]; // Redis reads the line as a C string
        }
        Span<byte> current = line.Length <= 512 ? stackalloc byte[line.Length] : new byte[line.Length];
        int p = 0;
        while (true)
        {
            while (p < line.Length && IsSpace(line[p]))
            {
                p++;
            }
            if (p >= line.Length)
            {
                return true;
            }
            int length = 0;
            bool inDouble = false, inSingle = false, done = false;
            while (!done)
            {
                byte c = p < line.Length ? line[p] : (byte)0;
                byte next = p + 1 < line.Length ? line[p + 1] : (byte)0;
                if (inDouble)
                {
                    if (c == '\\' && next == 'x' && p + 3 < line.Length && IsHex(line[p + 2]) && IsHex(line[p + 3]))
                    {
                        current[length++] = (byte)((HexValue(line[p + 2]) << 4) | HexValue(line[p + 3]));
                        p += 3;
                    }
                    else if (c == '\\' && next != 0)
                    {
                        p++;
                        current[length++] = next switch
                        {
                            (byte)'n' => (byte)'\n',
                            (byte)'r' => (byte)'\r',
                            (byte)'t' => (byte)'\t',
                            (byte)'b' => (byte)'\b',
                            (byte)'a' => (byte)'\a',
                            _ => next,
                        };
                    }
                    else if (c == '"')
                    {
                        if (next != 0 && !IsSpace(next))
                        {
                            return false;
                        }
                        done = true;
                    }
                    else if (c == 0)
                    {
                        return false;
                    }
                    else
                    {
                        current[length++] = c;
                    }
                }
                else if (inSingle)
                {
                    if (c == '\\' && next == '\'')
                    {
                        p++;
                        current[length++] = (byte)'\'';
                    }
                    else if (c == '\'')
                    {
                        if (next != 0 && !IsSpace(next))
                        {
                            return false;
                        }
                        done = true;
                    }
                    else if (c == 0)
                    {
                        return false;
                    }
                    else
                    {
                        current[length++] = c;
                    }
                }
                else
                {
                    switch (c)
                    {
                        case (byte)' ' or (byte)'\n' or (byte)'\r' or (byte)'\t' or 0:
                            done = true;
                            break;
                        case (byte)'"':
                            inDouble = true;
                            break;
                        case (byte)'\'':
                            inSingle = true;
                            break;
                        default:
                            current[length++] = c;
                            break;
                    }
                }
                if (p < line.Length)
                {
                    p++;
                }
            }
            args.Add(current[..length]);
        }
    }

    private static bool IsSpace(byte c) => c is (byte)' ' or (byte)'\t' or (byte)'\n' or (byte)'\v' or (byte)'\f' or (byte)'\r';

    private static bool IsHex(byte c) => char.IsAsciiHexDigit((char)c);

    private static int HexValue(byte c) => c <= '9' ? c - '0' : (c | 0x20) - 'a' + 10;
}
