using System.Text.Json;

namespace RedisClone.Node.Commands;

/// <summary>
/// Reads commands.json, embedded in the node, once per process. Every <see cref="CommandTable"/> builds its own
/// <see cref="CommandDefinition"/> objects from these rows, so lookup and dispatch never see the JSON.
/// A row that cannot be read stops the node at start with the command's name.
/// </summary>
internal static class CommandCatalog
{
    public const string ResourceName = "commands.json";

    // Lazy rethrows the original exception on every later use, where a static constructor would wrap it.
    private static readonly Lazy<IReadOnlyList<CommandMetadata>> Loaded = new(Load);

    public static IReadOnlyList<CommandMetadata> Rows => Loaded.Value;

    private static IReadOnlyList<CommandMetadata> Load()
    {
        using Stream stream = typeof(CommandCatalog).Assembly.GetManifestResourceStream(ResourceName)
            ?? throw new InvalidOperationException($"The node was built without its embedded {ResourceName}");
        using var reader = new StreamReader(stream);
        return Parse(reader.ReadToEnd());
    }

    public static IReadOnlyList<CommandMetadata> Parse(string json)
    {
        using JsonDocument document = JsonDocument.Parse(json);
        if (document.RootElement.ValueKind != JsonValueKind.Array)
        {
            throw new InvalidDataException($"{ResourceName} must hold an array of commands");
        }
        return ReadRows(document.RootElement, parent: null);
    }

    private static List<CommandMetadata> ReadRows(JsonElement array, string? parent)
    {
        var rows = new List<CommandMetadata>();
        var names = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        foreach (JsonElement element in array.EnumerateArray())
        {
            CommandMetadata row = ReadRow(element, parent);
            if (!names.Add(row.Name))
            {
                throw Invalid(FullName(parent, row.Name), "appears twice");
            }
            rows.Add(row);
        }
        return rows;
    }

    private static CommandMetadata ReadRow(JsonElement row, string? parent)
    {
        string name = row.ValueKind == JsonValueKind.Object && row.TryGetProperty("name", out JsonElement n) && n.ValueKind == JsonValueKind.String
            ? n.GetString()!
            : throw Invalid(FullName(parent, "?"), "a row without a \"name\" string");
        string fullName = FullName(parent, name);
        int? arity = null;
        CommandFlags flags = CommandFlags.None;
        IReadOnlyList<string> aclCategories = [];
        (int First, int Last, int Step) keys = (0, 0, 0);
        string? summary = null, since = null, group = null, complexity = null;
        string syntax = "";
        IReadOnlyList<CommandMetadata>? subcommands = null;
        foreach (JsonProperty field in row.EnumerateObject())
        {
            JsonElement value = field.Value;
            switch (field.Name)
            {
                case "name":
                    break;
                case "arity":
                    arity = Integer(value, fullName, field.Name);
                    break;
                case "flags":
                    flags = Strings(value, fullName, field.Name).Aggregate(CommandFlags.None, (all, flag) => all | Flag(flag, fullName));
                    break;
                case "aclCategories":
                    aclCategories = Strings(value, fullName, field.Name);
                    break;
                case "keys":
                    keys = (Integer(Field(value, "first", fullName), fullName, "keys.first"),
                        Integer(Field(value, "last", fullName), fullName, "keys.last"),
                        Integer(Field(value, "step", fullName), fullName, "keys.step"));
                    break;
                case "summary":
                    summary = Text(value, fullName, field.Name);
                    break;
                case "since":
                    since = Text(value, fullName, field.Name);
                    break;
                case "group":
                    group = Text(value, fullName, field.Name);
                    break;
                case "complexity":
                    complexity = Text(value, fullName, field.Name);
                    break;
                case "syntax":
                    syntax = Text(value, fullName, field.Name);
                    break;
                case "subcommands":
                    subcommands = value.ValueKind == JsonValueKind.Array && parent is null
                        ? ReadRows(value, name)
                        : throw Invalid(fullName, "\"subcommands\" must be an array, and only on a top-level command");
                    break;
                default:
                    throw Invalid(fullName, $"unknown field \"{field.Name}\"");
            }
        }
        var doc = new CommandDoc(
            summary ?? throw Missing(fullName, "summary"),
            since ?? throw Missing(fullName, "since"),
            group ?? throw Missing(fullName, "group"),
            complexity ?? throw Missing(fullName, "complexity"),
            syntax);
        return new CommandMetadata(name, arity ?? throw Missing(fullName, "arity"), flags, aclCategories, keys.First, keys.Last, keys.Step, doc, subcommands);
    }

    private static CommandFlags Flag(string name, string command) =>
        // Only a flag's own name: TryParse alone would also take "1" or "Write, Fast".
        Enum.TryParse(name, ignoreCase: false, out CommandFlags flag) && flag != CommandFlags.None && flag.ToString() == name
            ? flag
            : throw Invalid(command, $"unknown flag \"{name}\"");

    private static JsonElement Field(JsonElement value, string name, string command) =>
        value.ValueKind == JsonValueKind.Object && value.TryGetProperty(name, out JsonElement field)
            ? field
            : throw Invalid(command, $"\"keys\" needs \"first\", \"last\" and \"step\"");

    private static int Integer(JsonElement value, string command, string field) =>
        value.ValueKind == JsonValueKind.Number && value.TryGetInt32(out int number) ? number : throw Invalid(command, $"\"{field}\" must be an integer");

    private static string Text(JsonElement value, string command, string field) =>
        value.ValueKind == JsonValueKind.String ? value.GetString()! : throw Invalid(command, $"\"{field}\" must be a string");

    private static string[] Strings(JsonElement value, string command, string field) =>
        value.ValueKind == JsonValueKind.Array && value.EnumerateArray().All(item => item.ValueKind == JsonValueKind.String)
            ? [.. value.EnumerateArray().Select(item => item.GetString()!)]
            : throw Invalid(command, $"\"{field}\" must be an array of strings");

    private static string FullName(string? parent, string name) => parent is null ? name : parent + "|" + name;

    private static InvalidDataException Missing(string command, string field) => Invalid(command, $"no \"{field}\"");

    private static InvalidDataException Invalid(string command, string problem) =>
        new($"{ResourceName}: command '{command}': {problem}");
}
