using RedisClone.Node.Commands;

namespace RedisClone.Tests.Protocol;

/// <summary>Syntax lines turned into COMMAND DOCS arguments, the shape redis-cli builds its hints from.</summary>
public class CommandSyntaxTests
{
    [Fact]
    public void An_optional_token_stays_apart_from_the_option_after_it()
    {
        IReadOnlyList<DocArgument> args = CommandSyntax.Parse("key value [GET] [EX seconds:integer|KEEPTTL]");

        Assert.Equal(["key", "value", "get", "seconds-keepttl"], args.Select(a => a.Name));
        Assert.Equal(new DocArgument("get", "pure-token", "GET", true, false, []), args[2]);
        DocArgument expiration = args[3];
        Assert.Equal(("oneof", (string?)null, true), (expiration.Type, expiration.Token, expiration.Optional));
        Assert.Equal([("seconds", "integer", "EX"), ("keepttl", "pure-token", "KEEPTTL")], expiration.Children.Select(c => (c.Name, c.Type, c.Token)));
    }

    [Fact]
    public void A_bare_token_takes_the_value_after_it() =>
        Assert.Equal(
            [new DocArgument("pattern", "pattern", "MATCH", true, false, [])],
            CommandSyntax.Parse("[MATCH pattern:pattern]"));

    [Fact]
    public void The_type_follows_the_last_colon() =>
        Assert.Equal(
            [new DocArgument("ip:port", "string", "ADDR", true, false, [])],
            CommandSyntax.Parse("[ADDR ip:port:string]"));
}
