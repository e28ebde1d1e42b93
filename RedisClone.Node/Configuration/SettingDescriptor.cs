namespace RedisClone.Node.Configuration;

/// <summary>
/// One setting: how it is named on each surface, how it parses and whether CONFIG SET may change it.
/// <see cref="Set"/> applies a value and returns null, or returns why it cannot, worded as Redis's CONFIG SET words it.
/// </summary>
internal sealed record SettingDescriptor(
    string Name,
    string ConfigKey,
    string Help,
    bool Mutable,
    Func<NodeSettings, string> Get,
    Func<NodeSettings, string, string?> Set)
{
    public string Flag => "--" + Name;

    /// <summary>False for settings CONFIG GET must not show (secrets) or that only exist at start.</summary>
    public bool InConfig { get; init; } = true;

    /// <summary>A secret (requirepass): CONFIG SET's value is redacted for MONITOR and SLOWLOG, as Redis's SENSITIVE_CONFIG.</summary>
    public bool Sensitive { get; init; }
}
