using System.Text;

namespace RedisClone.Benchmarks.Resp;

/// <summary>RESP multibulk requests. Only used while setting up; the publish hot path reuses the prefix it builds.</summary>
public static class RespCommand
{
    public static byte[] Encode(params string[] args)
    {
        var text = new StringBuilder();
        text.Append('*').Append(args.Length).Append("\r\n");
        foreach (string arg in args)
        {
            text.Append('$').Append(Encoding.UTF8.GetByteCount(arg)).Append("\r\n").Append(arg).Append("\r\n");
        }
        return Encoding.UTF8.GetBytes(text.ToString());
    }

    /// <summary>
    /// "PUBLISH channel" up to and including the payload's length line: a publisher copies this, then the payload
    /// bytes and CRLF, so encoding a message is two copies and no formatting.
    /// </summary>
    public static byte[] PublishPrefix(string channel, int payloadLength)
    {
        int channelLength = Encoding.UTF8.GetByteCount(channel);
        string text = $"*3\r\n$7\r\nPUBLISH\r\n${channelLength}\r\n{channel}\r\n${payloadLength}\r\n";
        return Encoding.UTF8.GetBytes(text);
    }
}
