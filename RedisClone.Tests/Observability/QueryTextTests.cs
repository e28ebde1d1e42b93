using System.Text;
using RedisClone.Node.Commands;
using RedisClone.Node.Commands.Registration;
using RedisClone.Node.Protocol;

namespace RedisClone.Tests.Observability;

/// <summary>The sanitising rules of db.query.text: names and keywords kept, values replaced by ?, bounded.</summary>
public class QueryTextTests
{
    private static readonly CommandTable Commands = CommandRegistration.CreateTable();

    private static string Format(params string[] args) => Format(args.Select(Encoding.UTF8.GetBytes).ToArray());

    private static string Format(byte[][] args)
    {
        CommandDefinition command = Commands.Find(args[0]) ?? throw new ArgumentException("unknown command");
        if (command.Subcommands is not null)
        {
            command = command.FindSubcommand(args[1]) ?? throw new ArgumentException("unknown subcommand");
        }
        var arguments = new CommandArguments();
        arguments.Load(args);
        return QueryText.Format(arguments, command);
    }

    [Theory]
    [InlineData("SET mykey ?", "set", "mykey", "hello")]
    [InlineData("SET mykey ? NX EX ?", "SET", "mykey", "hello", "nx", "ex", "60")]
    [InlineData("SET k ? GET KEEPTTL", "set", "k", "v", "GET", "KeepTtl")]
    [InlineData("GET user:1", "get", "user:1")]
    [InlineData("MSET a ? b ?", "mset", "a", "1", "b", "2")]
    [InlineData("MGET a b c", "mget", "a", "b", "c")]
    [InlineData("DEL a b", "del", "a", "b")]
    [InlineData("INCRBY counter ?", "incrby", "counter", "5")]
    [InlineData("SETEX k ? ?", "setex", "k", "10", "v")]
    [InlineData("GETEX k PX ?", "getex", "k", "px", "100")]
    [InlineData("COPY src dst DB ? REPLACE", "copy", "src", "dst", "db", "2", "replace")]
    [InlineData("RENAME old new", "rename", "old", "new")]
    [InlineData("EXPIRE k ? NX", "expire", "k", "10", "nx")]
    [InlineData("SCAN ? MATCH user:* COUNT ? TYPE ?", "scan", "0", "match", "user:*", "count", "100", "type", "string")]
    [InlineData("KEYS user:*", "keys", "user:*")]
    [InlineData("SELECT ?", "select", "3")]
    [InlineData("PING ?", "ping", "hello")]
    [InlineData("ECHO ?", "echo", "hello")]
    [InlineData("PUBLISH news ?", "publish", "news", "the payload")]
    [InlineData("SPUBLISH news ?", "spublish", "news", "the payload")]
    [InlineData("SUBSCRIBE a b", "subscribe", "a", "b")]
    [InlineData("PSUBSCRIBE news.*", "psubscribe", "news.*")]
    [InlineData("CLIENT SETNAME ?", "client", "setname", "my-app")]
    [InlineData("CLIENT LIST TYPE PUBSUB", "client", "list", "type", "pubsub")]
    [InlineData("CLIENT KILL ID ? SKIPME NO", "client", "kill", "id", "12", "skipme", "no")]
    [InlineData("OBJECT ENCODING k", "object", "encoding", "k")]
    [InlineData("CONFIG GET maxclients", "config", "get", "maxclients")]
    [InlineData("CONFIG SET maxclients ? timeout ?", "config", "set", "maxclients", "100", "timeout", "5")]
    [InlineData("FLUSHALL ASYNC", "flushall", "async")]
    public void Names_and_keywords_are_kept_and_values_become_placeholders(string expected, params string[] command) =>
        Assert.Equal(expected, Format(command));

    [Fact]
    public void A_value_in_a_fixed_position_is_a_value_even_when_it_looks_like_a_keyword() =>
        Assert.Equal("SET k ? NX", Format("set", "k", "NX", "NX"));

    [Theory]
    [InlineData("AUTH ?", "auth", "s3cret")]
    [InlineData("AUTH ? ?", "auth", "default", "s3cret")]
    [InlineData("AUTH ? ?", "auth", "default", "AUTH")]
    [InlineData("HELLO ? AUTH ? ?", "hello", "3", "auth", "default", "s3cret")]
    [InlineData("HELLO ? AUTH ? ? SETNAME ?", "hello", "3", "AUTH", "default", "SETNAME", "setname", "app")]
    [InlineData("HELLO ? AUTH ? ?", "hello", "3", "AUTH", "AUTH", "AUTH")]
    [InlineData("CONFIG SET requirepass ?", "config", "set", "requirepass", "s3cret")]
    [InlineData("CONFIG SET requirepass ? requirepass ?", "config", "set", "requirepass", "s3cret", "requirepass", "s3cret")]
    public void Passwords_never_appear(string expected, params string[] command)
    {
        string text = Format(command);
        Assert.Equal(expected, text);
        Assert.DoesNotContain("s3cret", text, StringComparison.Ordinal);
    }

    [Fact]
    public void Names_that_need_quoting_are_quoted_as_redis_cli_shows_them() =>
        Assert.Equal("GET \"a b\\\"c\\\\\\n\\xc3\\xa9\\x00\"", Format("get", "a b\"c\\\né\0"));

    [Fact]
    public void A_long_name_shows_its_first_128_bytes_and_how_many_more()
    {
        string key = new('k', 1_000_000);
        string text = Format("get", key);
        Assert.Equal("GET " + new string('k', QueryText.MaxArgumentBytes) + "... (" + (1_000_000 - QueryText.MaxArgumentBytes) + " more bytes)", text);
    }

    [Fact]
    public void A_huge_value_is_never_copied()
    {
        byte[][] args = [Encoding.ASCII.GetBytes("set"), Encoding.ASCII.GetBytes("k"), new byte[10_000_000]];
        Assert.Equal("SET k ?", Format(args));
    }

    [Fact]
    public void At_most_32_arguments_are_shown_the_last_saying_how_many_more_as_in_slowlog()
    {
        string[] mget = ["mget", .. Enumerable.Range(0, 100).Select(i => "k" + i)];
        string text = Format(mget);
        Assert.Equal("MGET " + string.Join(' ', Enumerable.Range(0, 30).Select(i => "k" + i)) + " ... (70 more arguments)", text);
    }

    [Fact]
    public void The_text_is_at_most_1024_characters_cut_at_an_argument()
    {
        string[] del = ["del", .. Enumerable.Range(0, 20).Select(i => new string((char)('a' + i), 100))];
        string text = Format(del);
        Assert.True(text.Length <= QueryText.MaxLength, $"{text.Length} characters");
        Assert.EndsWith(new string('i', 100) + " ... (11 more arguments)", text);

        byte[][] binary = [Encoding.ASCII.GetBytes("del"), .. Enumerable.Range(0, 20).Select(_ => new byte[200])];
        Assert.True(Format(binary).Length <= QueryText.MaxLength);
    }

    [Fact]
    public void Every_command_in_the_table_has_a_shape_and_a_bounded_text()
    {
        foreach (CommandDefinition command in Commands.All.SelectMany(c => c.Subcommands?.Values ?? [c]))
        {
            QueryShape shape = QueryText.ShapeOf(command);
            Assert.StartsWith(command.OperationName.Split('|')[0], shape.Prefix, StringComparison.Ordinal);
            string[] args = [.. command.FullName.Split('|'), .. Enumerable.Range(0, 40).Select(i => new string('x', 200))];
            Assert.True(Format(args).Length <= QueryText.MaxLength, command.FullName);
        }
    }
}
