using RedisClone.Node.Commands;
using RedisClone.Node.Commands.Registration;

namespace RedisClone.Tests.Protocol;

/// <summary>
/// commands.json joined with the handlers the command families register: a row is read into the definition as written,
/// and a row without a handler, a handler without a row or an unreadable row stops the node at start, naming the command.
/// </summary>
public class CommandCatalogTests
{
    private const string Get = """
        {"name": "get", "arity": 2, "flags": ["ReadOnly", "Fast"], "aclCategories": ["@read", "@string", "@fast"],
         "keys": {"first": 1, "last": 1, "step": 1}, "summary": "Returns the value.", "since": "1.0.0", "group": "string",
         "complexity": "O(1)", "syntax": "key"}
        """;

    private const string Client = """
        {"name": "client", "arity": -2, "aclCategories": ["@slow"], "summary": "A container.", "since": "2.4.0",
         "group": "connection", "complexity": "Depends on subcommand.", "subcommands": [
           {"name": "id", "arity": 2, "aclCategories": ["@slow"], "summary": "The id.", "since": "5.0.0", "group": "connection", "complexity": "O(1)"}]}
        """;

    private static readonly CommandHandler Handler = static _ => { };

    [Fact]
    public void A_row_becomes_a_definition_as_written()
    {
        var bindings = new CommandBindings();
        bindings.Add("get", Handler);

        CommandDefinition get = Build($"[{Get}]", bindings).Find("get")!;

        Assert.Equal((2, CommandFlags.ReadOnly | CommandFlags.Fast, 1, 1, 1), (get.Arity, get.Flags, get.FirstKey, get.LastKey, get.KeyStep));
        Assert.Equal(["@read", "@string", "@fast"], get.AclCategories);
        Assert.Equal(new CommandDoc("Returns the value.", "1.0.0", "string", "O(1)", "key"), get.Doc);
        Assert.Same(Handler, get.Handler);
    }

    [Fact]
    public void Left_out_fields_take_their_defaults()
    {
        var bindings = new CommandBindings();
        bindings.Add("time", Handler);

        CommandDefinition time = Build("""[{"name": "time", "arity": 1, "summary": "s", "since": "2.6.0", "group": "server", "complexity": ""}]""", bindings).Find("time")!;

        Assert.Equal((CommandFlags.None, 0, 0, 0, "", ""), (time.Flags, time.FirstKey, time.LastKey, time.KeyStep, time.Doc.Syntax, time.Doc.Complexity));
        Assert.Empty(time.AclCategories);
        Assert.Null(time.Subcommands);
    }

    [Fact]
    public void The_table_keeps_the_order_of_the_rows()
    {
        var bindings = new CommandBindings();
        bindings.Add("client|id", Handler);
        bindings.AddContainer("client");
        bindings.Add("get", Handler);

        CommandTable table = Build($"[{Client}, {Get}]", bindings);

        Assert.Equal(["client", "get"], table.All.Select(c => c.Name));
        Assert.Equal("client|id", table.Find("client")!.Subcommands!["id"].FullName);
    }

    [Fact]
    public void A_row_without_a_handler_stops_the_start_naming_the_command()
    {
        var bindings = new CommandBindings();
        bindings.AddContainer("client");

        var error = Assert.Throws<InvalidOperationException>(() => Build($"[{Client}]", bindings));

        Assert.Contains("'client|id' has a row in commands.json but no handler", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_handler_without_a_row_stops_the_start_naming_the_command()
    {
        var bindings = new CommandBindings();
        bindings.Add("get", Handler);
        bindings.Add("gett", Handler);

        var error = Assert.Throws<InvalidOperationException>(() => Build($"[{Get}]", bindings));

        Assert.Contains("'gett' has a handler but no row in commands.json", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_command_registered_twice_is_refused()
    {
        var bindings = new CommandBindings();
        bindings.Add("get", Handler);

        var error = Assert.Throws<InvalidOperationException>(() => bindings.Add("get", Handler));

        Assert.Contains("'get' is registered twice", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_container_must_need_a_subcommand_to_run()
    {
        var bindings = new CommandBindings();
        bindings.AddContainer("get");

        var error = Assert.Throws<InvalidOperationException>(() => Build($"[{Get}]", bindings));

        Assert.Contains("'get' is registered as a container", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("""[{"name": "get", "arity": 2, "flags": ["Readonly"], "summary": "s", "since": "1", "group": "g", "complexity": "c"}]""", "'get': unknown flag \"Readonly\"")]
    [InlineData("""[{"name": "get", "arity": 2, "flags": ["1"], "summary": "s", "since": "1", "group": "g", "complexity": "c"}]""", "'get': unknown flag \"1\"")]
    [InlineData("""[{"name": "get", "arity": 2, "summary": "s", "since": "1", "group": "g"}]""", "'get': no \"complexity\"")]
    [InlineData("""[{"name": "get", "summary": "s", "since": "1", "group": "g", "complexity": "c"}]""", "'get': no \"arity\"")]
    [InlineData("""[{"name": "get", "arity": "2", "summary": "s", "since": "1", "group": "g", "complexity": "c"}]""", "'get': \"arity\" must be an integer")]
    [InlineData("""[{"name": "get", "arity": 2, "summary": "s", "since": "1", "group": "g", "complexity": "c", "firstKey": 1}]""", "'get': unknown field \"firstKey\"")]
    [InlineData("""[{"name": "get", "arity": 2, "keys": {"first": 1}, "summary": "s", "since": "1", "group": "g", "complexity": "c"}]""", "'get': \"keys\" needs")]
    [InlineData("""[{"name": "a", "arity": 1, "summary": "s", "since": "1", "group": "g", "complexity": "c", "subcommands": [{"arity": 2}]}]""", "'a|?': a row without a \"name\"")]
    [InlineData("""[{"name": "a", "arity": 1, "summary": "s", "since": "1", "group": "g", "complexity": "c"}, {"name": "A", "arity": 1, "summary": "s", "since": "1", "group": "g", "complexity": "c"}]""", "'A': appears twice")]
    public void An_unreadable_row_names_the_command(string json, string expected)
    {
        var error = Assert.Throws<InvalidDataException>(() => CommandCatalog.Parse(json));

        Assert.Contains("commands.json: command " + expected, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void The_node_binds_a_handler_to_every_row_of_its_commands_json()
    {
        CommandTable table = CommandRegistration.CreateTable();

        Assert.Equal(CommandCatalog.Rows.Select(row => row.Name), table.All.Select(c => c.Name));
        Assert.Equal(
            CommandCatalog.Rows.Sum(row => row.Subcommands?.Count ?? 0),
            table.All.Sum(c => c.Subcommands?.Count ?? 0));
    }

    private static CommandTable Build(string json, CommandBindings bindings) => new(CommandCatalog.Parse(json), bindings);
}
