using System.Buffers;
using System.Runtime.CompilerServices;
using System.Text;

namespace RedisClone.Node.Protocol;

/// <summary>
/// Encodes replies straight into a connection's output buffer, in RESP2 or RESP3 as the client chose.
/// Nothing here does I/O: the connection flushes once per batch.
/// </summary>
internal sealed class RespWriter
{
    private IBufferWriter<byte> _output = NullBufferWriter.Instance;

    /// <summary>2 or 3, set by HELLO.</summary>
    public int Protocol { get; set; } = 2;

    public bool IsResp3 => Protocol == 3;

    /// <summary>Errors written since the last <see cref="TakeErrorCount"/>, for INFO and tracing.</summary>
    public int ErrorCount { get; private set; }

    // The most recent error reply's first word, kept as bytes: only tracing asks for it as a string, so an error reply
    // allocates nothing when tracing is off.
    private readonly byte[] _errorPrefix = new byte[32];
    private int _errorPrefixLength = -1;
    private string? _errorPrefixText;

    /// <summary>The text of the most recent error reply's first word (e.g. "ERR", "WRONGTYPE").</summary>
    public string? LastErrorPrefix => _errorPrefixText
        ??= _errorPrefixLength < 0 ? null : Encoding.ASCII.GetString(_errorPrefix, 0, _errorPrefixLength);

    private void RememberErrorPrefix(ReadOnlySpan<byte> text)
    {
        int space = text.IndexOf((byte)' ');
        ReadOnlySpan<byte> word = space > 0 ? text[..space] : text;
        word = word[..Math.Min(word.Length, _errorPrefix.Length)];
        word.CopyTo(_errorPrefix);
        _errorPrefixLength = word.Length;
        _errorPrefixText = null;
    }

    private IBufferWriter<byte> _attached = NullBufferWriter.Instance;

    public void Attach(IBufferWriter<byte> output)
    {
        _attached = output;
        _output = Muted ? NullBufferWriter.Instance : output;
    }

    /// <summary>
    /// While set, replies are encoded into nothing and never reach the client (CLIENT REPLY OFF and SKIP). Errors
    /// are still counted, as Redis counts them.
    /// </summary>
    public bool Muted
    {
        get;
        set
        {
            field = value;
            _output = value ? NullBufferWriter.Instance : _attached;
        }
    }

    public int TakeErrorCount()
    {
        int count = ErrorCount;
        ErrorCount = 0;
        return count;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private Span<byte> Reserve(int size) => _output.GetSpan(size);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private void Commit(int size) => _output.Advance(size);

    /// <summary>Writes pre-encoded bytes, such as the literals in <see cref="RespLiterals"/>.</summary>
    public void WriteRaw(ReadOnlySpan<byte> bytes)
    {
        Span<byte> span = Reserve(bytes.Length);
        bytes.CopyTo(span);
        Commit(bytes.Length);
    }

    public void WriteOk() => WriteRaw(RespLiterals.Ok);

    public void WriteSimpleString(ReadOnlySpan<byte> text)
    {
        Span<byte> span = Reserve(text.Length + 3);
        span[0] = (byte)'+';
        text.CopyTo(span[1..]);
        span[text.Length + 1] = (byte)'\r';
        span[text.Length + 2] = (byte)'\n';
        Commit(text.Length + 3);
    }

    public void WriteSimpleString(string text) => WriteSimpleString(Encoding.UTF8.GetBytes(text));

    /// <summary>Writes an error reply; <paramref name="text"/> starts with the error code ("ERR ...", "WRONGTYPE ...").</summary>
    public void WriteError(string text)
    {
        ErrorCount++;
        // An error reply cannot carry a newline; Redis replaces them with spaces.
        int length = Encoding.UTF8.GetByteCount(text);
        Span<byte> span = Reserve(length + 3);
        span[0] = (byte)'-';
        Encoding.UTF8.GetBytes(text, span[1..]);
        RememberErrorPrefix(span.Slice(1, length));
        span.Slice(1, length).Replace((byte)'\r', (byte)' ');
        span.Slice(1, length).Replace((byte)'\n', (byte)' ');
        span[length + 1] = (byte)'\r';
        span[length + 2] = (byte)'\n';
        Commit(length + 3);
    }

    /// <summary>Writes an error reply whose text is bytes (it may quote client arguments that are not UTF-8).</summary>
    public void WriteError(ReadOnlySpan<byte> text)
    {
        ErrorCount++;
        RememberErrorPrefix(text);
        Span<byte> span = Reserve(text.Length + 3);
        span[0] = (byte)'-';
        text.CopyTo(span[1..]);
        span.Slice(1, text.Length).Replace((byte)'\r', (byte)' ');
        span.Slice(1, text.Length).Replace((byte)'\n', (byte)' ');
        span[text.Length + 1] = (byte)'\r';
        span[text.Length + 2] = (byte)'\n';
        Commit(text.Length + 3);
    }

    /// <summary>Writes a pre-encoded error literal (with its '-' and CRLF).</summary>
    public void WriteErrorRaw(ReadOnlySpan<byte> encoded, string prefix)
    {
        ErrorCount++;
        _errorPrefixLength = 0;
        _errorPrefixText = prefix;
        WriteRaw(encoded);
    }

    public void WriteInteger(long value) => WriteNumberLine((byte)':', value);

    public void WriteBulk(ReadOnlySpan<byte> value) => Commit(RespBulk.Write(Reserve(value.Length + 24), value));

    public void WriteBulk(string value)
    {
        int length = Encoding.UTF8.GetByteCount(value);
        if (length <= 256)
        {
            Span<byte> bytes = stackalloc byte[length];
            Encoding.UTF8.GetBytes(value, bytes);
            WriteBulk(bytes);
        }
        else
        {
            WriteBulk(Encoding.UTF8.GetBytes(value));
        }
    }

    public void WriteBulk(long value)
    {
        Span<byte> digits = stackalloc byte[24];
        int n = RespNumber.Format(value, digits);
        WriteBulk(digits[..n]);
    }

    /// <summary>A missing value: <c>$-1</c> in RESP2, <c>_</c> in RESP3.</summary>
    public void WriteNull() => WriteRaw(IsResp3 ? RespLiterals.Null3 : RespLiterals.NullBulk);

    /// <summary>A missing array (EXEC aborted by WATCH): <c>*-1</c> in RESP2, <c>_</c> in RESP3.</summary>
    public void WriteNullArray() => WriteRaw(IsResp3 ? RespLiterals.Null3 : RespLiterals.NullArray);

    public void WriteArrayHeader(int count) => WriteNumberLine((byte)'*', count);

    /// <summary>A map of <paramref name="pairs"/> entries: <c>%</c> in RESP3, a flat array in RESP2.</summary>
    public void WriteMapHeader(int pairs)
    {
        if (IsResp3)
        {
            WriteNumberLine((byte)'%', pairs);
        }
        else
        {
            WriteNumberLine((byte)'*', pairs * 2L);
        }
    }

    public void WriteSetHeader(int count) => WriteNumberLine(IsResp3 ? (byte)'~' : (byte)'*', count);

    public void WritePushHeader(int count) => WriteNumberLine(IsResp3 ? (byte)'>' : (byte)'*', count);

    public void WriteDouble(double value)
    {
        string text = RespNumber.FormatDouble(value);
        if (IsResp3)
        {
            WriteRaw([(byte)',']);
            WriteRaw(Encoding.ASCII.GetBytes(text));
            WriteRaw(RespLiterals.Crlf);
        }
        else
        {
            WriteBulk(text);
        }
    }

    public void WriteBoolean(bool value) =>
        WriteRaw(IsResp3 ? (value ? "#t\r\n"u8 : "#f\r\n"u8) : (value ? ":1\r\n"u8 : ":0\r\n"u8));

    /// <summary>A verbatim string (<c>=</c> with a three-letter format) in RESP3, a bulk string in RESP2.</summary>
    public void WriteVerbatim(string text, string format = "txt")
    {
        if (!IsResp3)
        {
            WriteBulk(text);
            return;
        }
        byte[] body = Encoding.UTF8.GetBytes(format + ":" + text);
        WriteNumberLine((byte)'=', body.Length);
        WriteRaw(body);
        WriteRaw(RespLiterals.Crlf);
    }

    private void WriteNumberLine(byte marker, long value)
    {
        Span<byte> span = Reserve(24);
        span[0] = marker;
        int n = 1 + RespNumber.Format(value, span[1..]);
        span[n++] = (byte)'\r';
        span[n++] = (byte)'\n';
        Commit(n);
    }

    private sealed class NullBufferWriter : IBufferWriter<byte>
    {
        public static readonly NullBufferWriter Instance = new();
        private byte[] _sink = new byte[4096];

        public void Advance(int count)
        {
        }

        public Memory<byte> GetMemory(int sizeHint = 0) => GetArray(sizeHint);

        public Span<byte> GetSpan(int sizeHint = 0) => GetArray(sizeHint);

        private byte[] GetArray(int sizeHint)
        {
            if (sizeHint > _sink.Length)
            {
                _sink = new byte[sizeHint];
            }
            return _sink;
        }
    }
}
