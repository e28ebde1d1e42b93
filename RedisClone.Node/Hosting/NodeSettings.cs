using System.Globalization;
using System.Text;
using RedisClone.Node.Protocol;

namespace RedisClone.Node.Hosting;

/// <summary>The node's settings. Each is a flag (--port), a configuration key (Redis:Port / Redis__Port) and,
/// where Redis allows it, a CONFIG GET/SET parameter: see <see cref="SettingCatalog"/>.</summary>
public sealed class NodeSettings
{
    public int Port { get; set; } = 6379;
    public string[] Bind { get; set; } = ["127.0.0.1"];
    public string? RequirePass { get; set; }
    public int Databases { get; set; } = 16;
    public long MaxClients { get; set; } = 10000;
    public long ProtoMaxBulkLen { get; set; } = 512L * 1024 * 1024;
    public long ClientQueryBufferLimit { get; set; } = 1024L * 1024 * 1024;
    public int Hz { get; set; } = 10;
    public int Timeout { get; set; }
}

/// <summary>
/// One setting: how it is named on each surface, how it parses and whether CONFIG SET may change it.
/// <see cref="Set"/> applies a value and returns null, or returns why it cannot, worded as Redis's CONFIG SET words it.
/// </summary>
public sealed record SettingDescriptor(
    string Name,
    string ConfigKey,
    string Help,
    bool Mutable,
    Func<NodeSettings, string> Get,
    Func<NodeSettings, string, string?> Set)
{
    public string Flag => "--" + Name;
}

public static class SettingCatalog
{
    public const string Section = "Redis";

    public static readonly IReadOnlyList<SettingDescriptor> All =
    [
        new("port", "Port", "RESP port to listen on (default 6379)", false,
            s => s.Port.ToString(CultureInfo.InvariantCulture),
            (s, v) => Integer(v, 0, 65535, p => s.Port = (int)p)),
        new("bind", "Bind", "addresses to listen on, separated by spaces (default 127.0.0.1)", false,
            s => string.Join(' ', s.Bind),
            (s, v) => ParseBind(v, out string[] b) ? Ok(() => s.Bind = b) : "argument must be IP addresses separated by spaces (or * for all)"),
        new("requirepass", "RequirePass", "password clients must AUTH with (default: none)", true,
            s => s.RequirePass ?? "",
            (s, v) => Ok(() => s.RequirePass = v.Length == 0 ? null : v)),
        new("databases", "Databases", "number of databases (default 16)", false,
            s => s.Databases.ToString(CultureInfo.InvariantCulture),
            (s, v) => Integer(v, 1, 1 << 20, d => s.Databases = (int)d)),
        new("maxclients", "MaxClients", "most clients connected at once (default 10000)", true,
            s => s.MaxClients.ToString(CultureInfo.InvariantCulture),
            (s, v) => Integer(v, 1, uint.MaxValue, m => s.MaxClients = m)),
        new("proto-max-bulk-len", "ProtoMaxBulkLen", "largest bulk string a client may send (default 512mb)", true,
            s => s.ProtoMaxBulkLen.ToString(CultureInfo.InvariantCulture),
            (s, v) => Memory(v, 1024 * 1024, long.MaxValue, m => s.ProtoMaxBulkLen = m)),
        new("client-query-buffer-limit", "ClientQueryBufferLimit", "most a client's unfinished command may buffer (default 1gb)", true,
            s => s.ClientQueryBufferLimit.ToString(CultureInfo.InvariantCulture),
            (s, v) => Memory(v, 1024 * 1024, long.MaxValue, m => s.ClientQueryBufferLimit = m)),
        // Like Redis, any hz from 0 up is accepted and brought into 1..500 (what CONFIG GET then shows).
        new("hz", "Hz", "background task frequency: expiry sweeps per second, 1 to 500 (default 10)", true,
            s => s.Hz.ToString(CultureInfo.InvariantCulture),
            (s, v) => Integer(v, 0, int.MaxValue, h => s.Hz = (int)Math.Clamp(h, 1, 500))),
        new("timeout", "Timeout", "close a client idle for this many seconds; 0 never (default 0)", true,
            s => s.Timeout.ToString(CultureInfo.InvariantCulture),
            (s, v) => Integer(v, 0, int.MaxValue, t => s.Timeout = (int)t)),
    ];

    public static SettingDescriptor? Find(string name) =>
        All.FirstOrDefault(d => string.Equals(d.Name, name, StringComparison.OrdinalIgnoreCase));

    private static string? Ok(Action apply)
    {
        apply();
        return null;
    }

    /// <summary>Redis's integer config: string2ll, then the bounds; the errors are worded as CONFIG SET words them.</summary>
    private static string? Integer(string value, long min, long max, Action<long> apply)
    {
        if (!RespNumber.TryParseInt64(Encoding.UTF8.GetBytes(value), out long n))
        {
            return "argument couldn't be parsed into an integer";
        }
        return Bounded(n, min, max, apply);
    }

    /// <summary>Redis's memory config: memtoull (a count with an optional unit), then the bounds.</summary>
    private static string? Memory(string value, long min, long max, Action<long> apply) =>
        ParseMemory(value, out long bytes) ? Bounded(bytes, min, max, apply) : "argument must be a memory value";

    private static string? Bounded(long value, long min, long max, Action<long> apply) =>
        value < min || value > max ? $"argument must be between {min} and {max} inclusive" : Ok(() => apply(value));

    private static bool ParseBind(string value, out string[] addresses)
    {
        addresses = value.Split(' ', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        return addresses.Length > 0 && addresses.All(a => a == "*" || a == "-::*" || System.Net.IPAddress.TryParse(a.TrimStart('-'), out _));
    }

    /// <summary>
    /// Redis's memtoull: digits with an optional unit, case-insensitive (k/kb/m/mb/g/gb, where k = 1000 and kb = 1024);
    /// no sign, no spaces; no digits at all reads as 0.
    /// </summary>
    public static bool ParseMemory(string value, out long bytes)
    {
        bytes = 0;
        int digits = 0;
        while (digits < value.Length && char.IsAsciiDigit(value[digits]))
        {
            digits++;
        }
        long multiplier = value[digits..].ToLowerInvariant() switch
        {
            "" or "b" => 1,
            "k" => 1000,
            "kb" => 1024,
            "m" => 1000 * 1000,
            "mb" => 1024 * 1024,
            "g" => 1000L * 1000 * 1000,
            "gb" => 1024L * 1024 * 1024,
            _ => 0,
        };
        if (multiplier == 0)
        {
            return false;
        }
        if (digits == 0)
        {
            return true;
        }
        if (!long.TryParse(value.AsSpan(0, digits), NumberStyles.None, CultureInfo.InvariantCulture, out long n) || n > long.MaxValue / multiplier)
        {
            return false;
        }
        bytes = n * multiplier;
        return true;
    }
}
