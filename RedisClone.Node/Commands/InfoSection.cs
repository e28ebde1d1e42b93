using System.Text;

namespace RedisClone.Node.Commands;

/// <summary>One INFO section: whether it is in the default and "all" sets, and how it writes its fields.</summary>
internal sealed record InfoSection(string Name, string Title, bool InDefault, bool InAll, Action<StringBuilder, CommandContext> Write);
