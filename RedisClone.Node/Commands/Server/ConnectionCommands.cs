using System.Security.Cryptography;
using System.Text;
using RedisClone.Node.Clients;
using RedisClone.Node.Protocol;

namespace RedisClone.Node.Commands.Server;

/// <summary>The connection family: PING, ECHO, QUIT, RESET, HELLO and AUTH.</summary>
internal static class ConnectionCommands
{
    /// <summary>The Redis version the node speaks for; clients pick features from it.</summary>
    public const string RedisVersion = "7.2.4";

    public static void Register(CommandBindings t)
    {
        t.Add("ping", Ping);
        t.Add("echo", Echo);
        t.Add("quit", Quit);
        t.Add("reset", Reset);
        t.Add("hello", Hello);
        t.Add("auth", Auth);
    }

    private static void Ping(CommandContext c)
    {
        if (c.Args.Count > 2)
        {
            c.WrongArity();
            return;
        }
        if (!c.Reply.IsResp3 && c.Client.SubscriptionCount > 0)
        {
            // Subscribed mode under RESP2 answers with a two-element array, as Redis does.
            c.Reply.WriteArrayHeader(2);
            c.Reply.WriteBulk("pong"u8);
            c.Reply.WriteBulk(c.Args.Count == 2 ? c.Args[1] : []);
            return;
        }
        if (c.Args.Count == 2)
        {
            c.Reply.WriteBulk(c.Args[1]);
        }
        else
        {
            c.Reply.WriteRaw(RespLiterals.Pong);
        }
    }

    private static void Echo(CommandContext c) => c.Reply.WriteBulk(c.Args[1]);

    private static void Quit(CommandContext c)
    {
        c.Reply.WriteOk();
        c.Client.CloseAfterReply = true;
    }

    private static void Reset(CommandContext c)
    {
        ClientSession client = c.Client;
        client.EndMulti();
        client.UnwatchAll();
        client.DbIndex = 0;
        client.Name = null;
        c.Reply.Protocol = 2;
        c.Server.PubSub.RemoveAll(client);
        c.Server.Monitors.Remove(client);
        client.Authenticated = c.Server.Settings.RequirePass is null;
        c.Reply.WriteRaw(RespLiterals.Reset);
    }

    private static void Hello(CommandContext c)
    {
        int protocol = c.Reply.Protocol;
        int next = 1;
        if (c.Args.Count >= 2)
        {
            if (!RespNumber.TryParseInt64(c.Args[1], out long requested))
            {
                c.Reply.WriteError(RespLiterals.ProtocolVersionNotInteger);
                return;
            }
            if (requested is < 2 or > 3)
            {
                c.Reply.WriteError(RespLiterals.NoProto);
                return;
            }
            protocol = (int)requested;
            next = 2;
        }
        string? user = null, password = null, name = null;
        for (int i = next; i < c.Args.Count; i++)
        {
            if (c.ArgIs(i, "AUTH"u8) && c.Args.Count - i - 1 >= 2)
            {
                c.Redact(i + 1);
                c.Redact(i + 2);
                user = c.ArgString(i + 1);
                password = c.ArgString(i + 2);
                i += 2;
            }
            else if (c.ArgIs(i, "SETNAME"u8) && c.Args.Count - i - 1 >= 1)
            {
                name = c.ArgString(++i);
                if (!ClientCommands.IsValidName(name))
                {
                    c.Reply.WriteError(ClientCommands.InvalidNameError);
                    return;
                }
            }
            else
            {
                c.Reply.WriteError($"ERR Syntax error in HELLO option '{c.ArgString(i)}'");
                return;
            }
        }
        if (password is not null && !TryAuthenticate(c, user!, password))
        {
            return;
        }
        if (!c.Client.Authenticated)
        {
            c.Reply.WriteError(RespLiterals.HelloNeedsAuth);
            return;
        }
        if (name is not null)
        {
            c.Client.Name = name.Length == 0 ? null : name;
        }
        c.Reply.Protocol = protocol;
        c.Reply.WriteMapHeader(7);
        c.Reply.WriteBulk("server"u8);
        c.Reply.WriteBulk("redis"u8);
        c.Reply.WriteBulk("version"u8);
        c.Reply.WriteBulk(RedisVersion);
        c.Reply.WriteBulk("proto"u8);
        c.Reply.WriteInteger(protocol);
        c.Reply.WriteBulk("id"u8);
        c.Reply.WriteInteger(c.Client.Id);
        c.Reply.WriteBulk("mode"u8);
        c.Reply.WriteBulk("standalone"u8);
        c.Reply.WriteBulk("role"u8);
        c.Reply.WriteBulk("master"u8);
        c.Reply.WriteBulk("modules"u8);
        c.Reply.WriteArrayHeader(0);
    }

    private static void Auth(CommandContext c)
    {
        if (c.Args.Count > 3)
        {
            c.SyntaxError();
            return;
        }
        // Monitors see "(redacted)" in place of the user name and password, as in Redis.
        for (int i = 1; i < c.Args.Count; i++)
        {
            c.Redact(i);
        }
        string user = c.Args.Count == 3 ? c.ArgString(1) : "default";
        string password = c.ArgString(c.Args.Count - 1);
        if (c.Args.Count == 2 && c.Server.Settings.RequirePass is null)
        {
            c.Reply.WriteError(RespLiterals.AuthWithoutPassword);
            return;
        }
        if (TryAuthenticate(c, user, password))
        {
            c.Reply.WriteOk();
        }
    }

    /// <summary>Checks the default user's password (the only user); writes WRONGPASS on failure.</summary>
    private static bool TryAuthenticate(CommandContext c, string user, string password)
    {
        string? required = c.Server.Settings.RequirePass;
        bool ok = user == "default" && (required is null || FixedTimeEquals(password, required));
        if (!ok)
        {
            c.Reply.WriteError(RespLiterals.WrongPass);
            return false;
        }
        c.Client.Authenticated = true;
        return true;
    }

    private static bool FixedTimeEquals(string a, string b) =>
        CryptographicOperations.FixedTimeEquals(Encoding.UTF8.GetBytes(a), Encoding.UTF8.GetBytes(b));
}
