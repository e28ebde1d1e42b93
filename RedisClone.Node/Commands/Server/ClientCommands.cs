using System.Globalization;
using System.Text;
using RedisClone.Node.Clients;
using RedisClone.Node.Protocol;

namespace RedisClone.Node.Commands.Server;

/// <summary>CLIENT: identity (ID, SETNAME, GETNAME, SETINFO), listing (LIST, INFO) and KILL.</summary>
internal static class ClientCommands
{
    public const string InvalidNameError = "ERR Client names cannot contain spaces, newlines or special characters.";

    public static void Register(CommandBindings t)
    {
        t.AddContainer("client");
        t.Add("client|id", c => c.Reply.WriteInteger(c.Client.Id));
        t.Add("client|setname", SetName);
        t.Add("client|getname", GetName);
        t.Add("client|setinfo", SetInfo);
        t.Add("client|list", List);
        t.Add("client|info", c => c.Reply.WriteVerbatim(Describe(c.Client, c) + "\n"));
        t.Add("client|kill", Kill);
        t.Add("client|reply", Reply);
        t.Add("client|unblock", Unblock);
        t.Add("client|help", Help);
    }

    /// <summary>Redis refuses names with characters outside '!'..'~' (so no spaces or newlines).</summary>
    public static bool IsValidName(string name) => name.All(ch => ch is >= '!' and <= '~');

    /// <summary>CLIENT UNBLOCK: ends another client's wait in a blocking command (1), or answers 0 when it is not waiting.</summary>
    private static void Unblock(CommandContext c)
    {
        if (c.Args.Count > 4)
        {
            c.Reply.WriteError($"ERR unknown subcommand or wrong number of arguments for '{c.ArgString(1)}'. Try CLIENT HELP.");
            return;
        }
        if (!c.TryInteger(2, out long id))
        {
            return;
        }
        bool withError = false;
        if (c.Args.Count == 4)
        {
            withError = c.ArgIs(3, "ERROR"u8);
            if (!withError && !c.ArgIs(3, "TIMEOUT"u8))
            {
                c.Reply.WriteError(RespLiterals.ClientUnblockBadReason);
                return;
            }
        }
        ClientSession? target = c.Server.Clients.Find(id);
        c.Reply.WriteInteger(target is not null && c.Server.Blocking.Unblock(target, withError) ? 1 : 0);
    }

    private static void SetName(CommandContext c)
    {
        string name = c.ArgString(2);
        if (!IsValidName(name))
        {
            c.Reply.WriteError(InvalidNameError);
            return;
        }
        c.Client.Name = name.Length == 0 ? null : name;
        c.Reply.WriteOk();
    }

    private static void GetName(CommandContext c)
    {
        if (c.Client.Name is null)
        {
            c.Reply.WriteNull();
        }
        else
        {
            c.Reply.WriteBulk(c.Client.Name);
        }
    }

    private static void SetInfo(CommandContext c)
    {
        string value = c.ArgString(3);
        if (!IsValidName(value))
        {
            c.Reply.WriteError($"ERR {c.ArgString(2)} cannot contain spaces, newlines or special characters.");
            return;
        }
        if (c.ArgIs(2, "LIB-NAME"u8))
        {
            c.Client.LibName = value;
        }
        else if (c.ArgIs(2, "LIB-VER"u8))
        {
            c.Client.LibVersion = value;
        }
        else
        {
            c.Reply.WriteError($"ERR Unrecognized option '{c.ArgString(2)}'");
            return;
        }
        c.Reply.WriteOk();
    }

    /// <summary>CLIENT REPLY ON answers OK; OFF and SKIP answer nothing (their own reply is the first one dropped).</summary>
    private static void Reply(CommandContext c)
    {
        if (c.ArgIs(2, "ON"u8))
        {
            c.Client.RepliesOn();
            c.Reply.WriteOk();
        }
        else if (c.ArgIs(2, "OFF"u8))
        {
            c.Client.RepliesOff();
        }
        else if (c.ArgIs(2, "SKIP"u8))
        {
            c.Client.SkipNextReply();
        }
        else
        {
            c.SyntaxError();
        }
    }

    /// <summary>
    /// One CLIENT LIST line, with Redis 7.2's fields in Redis's order. Memory fields count what the node holds for the
    /// client: qbuf (received, not yet consumed), argv-mem (the running command's arguments, so only for the client
    /// asking), multi-mem (queued commands), omem (replies and messages not yet sent) and tot-mem, their sum. qbuf-free,
    /// rbs and rbp are 0: the receive and reply buffers are the transport's pooled segments, not the client's own.
    /// </summary>
    public static string Describe(ClientSession client, CommandContext c)
    {
        long now = Environment.TickCount64;
        bool isSelf = client == c.Client;
        long argvBytes = 0;
        if (isSelf)
        {
            for (int i = 0; i < c.Args.Count; i++)
            {
                argvBytes += c.Args[i].Length;
            }
        }
        long queued = client.QueuedBytes;
        long output = client.PendingOutputBytes;
        long total = client.QueryBufferLength + argvBytes + queued + output;
        return string.Create(CultureInfo.InvariantCulture,
            $"id={client.Id} addr={client.RemoteAddress} laddr={client.LocalAddress} fd={client.Fd} name={client.Name} " +
            $"age={(now - client.ConnectedAt) / 1000} idle={(isSelf ? 0 : (now - client.LastInteraction) / 1000)} flags={client.Flags} db={client.DbIndex} " +
            $"sub={client.ChannelCount} psub={client.PatternCount} ssub={client.ShardChannelCount} multi={(client.InMulti ? client.Queued!.Count : -1)} " +
            $"qbuf={client.QueryBufferLength} qbuf-free=0 argv-mem={argvBytes} multi-mem={queued} rbs=0 rbp=0 obl=0 oll=0 omem={output} tot-mem={total} " +
            $"events=r cmd={(isSelf ? c.Command.FullName : client.LastCommand)} user=default redir=-1 resp={client.Protocol} lib-name={client.LibName} lib-ver={client.LibVersion}");
    }

    private static void List(CommandContext c)
    {
        IEnumerable<ClientSession> clients = c.Server.Clients.All;
        for (int i = 2; i < c.Args.Count; i++)
        {
            if (c.ArgIs(i, "TYPE"u8) && i + 1 < c.Args.Count)
            {
                string? type = ParseType(c.ArgString(++i));
                if (type is null)
                {
                    c.Reply.WriteError($"ERR Unknown client type '{c.ArgString(i)}'");
                    return;
                }
                clients = clients.Where(cl => TypeOf(cl) == type);
            }
            else if (c.ArgIs(i, "ID"u8) && i + 1 < c.Args.Count)
            {
                var ids = new HashSet<long>();
                for (i++; i < c.Args.Count; i++)
                {
                    // Only a non-integer is an error: an id no client has (0 and negatives included) lists nothing.
                    if (!RespNumber.TryParseInt64(c.Args[i], out long id))
                    {
                        c.Reply.WriteError(RespLiterals.InvalidClientId);
                        return;
                    }
                    ids.Add(id);
                }
                clients = clients.Where(cl => ids.Contains(cl.Id));
            }
            else
            {
                c.SyntaxError();
                return;
            }
        }
        var text = new StringBuilder();
        foreach (ClientSession client in clients)
        {
            text.Append(Describe(client, c)).Append('\n');
        }
        c.Reply.WriteVerbatim(text.ToString());
    }

    /// <summary>Redis's client type; the node has no master or replica connections (a MONITOR client is normal, as in Redis).</summary>
    private static string TypeOf(ClientSession client) => client.SubscriptionCount > 0 ? "pubsub" : "normal";

    /// <summary>The type a TYPE filter names ("replica" and "slave" are one type), or null when Redis knows no such type.</summary>
    private static string? ParseType(string name) => name.ToLowerInvariant() switch
    {
        "normal" => "normal",
        "pubsub" => "pubsub",
        "master" => "master",
        "replica" or "slave" => "slave",
        _ => null,
    };

    private static void Kill(CommandContext c)
    {
        if (c.Args.Count == 3)
        {
            // Old form: CLIENT KILL addr:port, replies +OK or an error.
            string address = c.ArgString(2);
            ClientSession? target = c.Server.Clients.All.FirstOrDefault(cl => cl.RemoteAddress == address);
            if (target is null)
            {
                c.Reply.WriteError(RespLiterals.NoSuchClient);
                return;
            }
            c.Server.Blocking.Cancel(target); // a killed client is not served what a later push brings
            target.Kill(c.Client);
            c.Reply.WriteOk();
            return;
        }
        IEnumerable<ClientSession> targets = c.Server.Clients.All;
        bool skipMe = true;
        for (int i = 2; i < c.Args.Count; i += 2)
        {
            if (i + 1 >= c.Args.Count)
            {
                c.SyntaxError();
                return;
            }
            string value = c.ArgString(i + 1);
            if (c.ArgIs(i, "ID"u8))
            {
                if (!RespNumber.TryParseInt64(c.Args[i + 1], out long id) || id <= 0)
                {
                    c.Reply.WriteError(RespLiterals.ClientIdNotPositive);
                    return;
                }
                targets = targets.Where(cl => cl.Id == id);
            }
            else if (c.ArgIs(i, "TYPE"u8))
            {
                string? type = ParseType(value);
                if (type is null)
                {
                    c.Reply.WriteError($"ERR Unknown client type '{value}'");
                    return;
                }
                targets = targets.Where(cl => TypeOf(cl) == type);
            }
            else if (c.ArgIs(i, "ADDR"u8))
            {
                targets = targets.Where(cl => cl.RemoteAddress == value);
            }
            else if (c.ArgIs(i, "LADDR"u8))
            {
                targets = targets.Where(cl => cl.LocalAddress == value);
            }
            else if (c.ArgIs(i, "USER"u8))
            {
                // Every connection is the default user's, authenticated or not (as in Redis, which has no other user here).
                if (value != "default")
                {
                    c.Reply.WriteError($"ERR No such user '{value}'");
                    return;
                }
            }
            else if (c.ArgIs(i, "SKIPME"u8))
            {
                if (c.ArgIs(i + 1, "YES"u8))
                {
                    skipMe = true;
                }
                else if (c.ArgIs(i + 1, "NO"u8))
                {
                    skipMe = false;
                }
                else
                {
                    c.SyntaxError();
                    return;
                }
            }
            else if (c.ArgIs(i, "MAXAGE"u8))
            {
                if (!c.TryInteger(i + 1, out long maxAge))
                {
                    return;
                }
                long now = Environment.TickCount64;
                targets = targets.Where(cl => (now - cl.ConnectedAt) / 1000 >= maxAge);
            }
            else
            {
                c.SyntaxError();
                return;
            }
        }
        long killed = 0;
        foreach (ClientSession target in targets.ToList())
        {
            if (skipMe && target == c.Client)
            {
                continue;
            }
            c.Server.Blocking.Cancel(target); // a killed client is not served what a later push brings
            target.Kill(c.Client);
            killed++;
        }
        c.Reply.WriteInteger(killed);
    }

    private static void Help(CommandContext c) => HelpText.Write(c, "CLIENT",
        "GETNAME", "    Return the name of the current connection.",
        "ID", "    Return the ID of the current connection.",
        "INFO", "    Return information about the current client connection.",
        "KILL <ip:port>", "    Kill connection made from <ip:port>.",
        "KILL <option> <value> [<option> <value> [...]]", "    Kill connections. Options are:",
        "    * ADDR (<ip:port>|<unixsocket>:0)", "      Kill connections made from the specified address",
        "    * LADDR (<ip:port>|<unixsocket>:0)", "      Kill connections made to specified local address",
        "    * TYPE (NORMAL|MASTER|REPLICA|PUBSUB)", "      Kill connections by type.",
        "    * USER <username>", "      Kill connections authenticated by <username>.",
        "    * SKIPME (YES|NO)", "      Skip killing current connection (default: yes).",
        "    * ID <client-id>", "      Kill connections by client id.",
        "    * MAXAGE <maxage>", "      Kill connections older than the specified age.",
        "LIST [options ...]", "    Return information about client connections. Options:",
        "    * TYPE (NORMAL|MASTER|REPLICA|PUBSUB)", "      Return clients of specified type.",
        "    * ID <client-id> [<client-id> ...]", "      Return clients of specified IDs only.",
        "REPLY (ON|OFF|SKIP)", "    Control the replies sent to the current connection.",
        "SETINFO <option> <value>", "    Set client meta attr. Options are:",
        "    * LIB-NAME: the client lib name.", "    * LIB-VER: the client lib version.",
        "SETNAME <name>", "    Assign the name <name> to the current connection.");
}
