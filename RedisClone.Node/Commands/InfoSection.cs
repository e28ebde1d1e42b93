using System.Text;
using RedisClone.Node.Commands.Hashes;
using RedisClone.Node.Commands.Keys;
using RedisClone.Node.Commands.Lists;
using RedisClone.Node.Commands.PubSub;
using RedisClone.Node.Commands.Server;
using RedisClone.Node.Commands.Sets;
using RedisClone.Node.Commands.SortedSets;
using RedisClone.Node.Commands.Strings;
using RedisClone.Node.Commands.Transactions;

namespace RedisClone.Node.Commands;

/// <summary>One INFO section: whether it is in the default and "all" sets, and how it writes its fields.</summary>
internal sealed record InfoSection(string Name, string Title, bool InDefault, bool InAll, Action<StringBuilder, CommandContext> Write);
