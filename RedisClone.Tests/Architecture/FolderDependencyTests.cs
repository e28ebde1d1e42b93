using System.Collections.Immutable;
using System.Reflection.Metadata;
using System.Reflection.Metadata.Ecma335;
using System.Reflection.PortableExecutable;
using Xunit.Abstractions;

namespace RedisClone.Tests.Architecture;

/// <summary>
/// The node's folders (its namespaces under RedisClone.Node, each subfolder a folder of its own) must not depend on each other in a circle: read from the
/// compiled assembly (signatures and method bodies, so an unused using does not count and a fully qualified name does),
/// a new cycle fails here with the type pairs that make it.
/// </summary>
public class FolderDependencyTests(ITestOutputHelper output)
{
    [Fact]
    public void No_two_folders_of_the_node_depend_on_each_other_directly_or_through_others()
    {
        FolderGraph graph = FolderGraph.Read(typeof(RedisClone.Node.Protocol.RespWriter).Assembly.Location);
        foreach ((string from, SortedSet<string> to) in graph.Edges.OrderBy(e => e.Key, StringComparer.Ordinal))
        {
            output.WriteLine($"{from} -> {string.Join(", ", to)}");
        }
        List<List<string>> cycles = graph.Cycles();
        var cyclic = new SortedSet<string>(StringComparer.Ordinal);
        foreach (List<string> cycle in cycles)
        {
            foreach ((string edge, SortedSet<string> pairs) in graph.Pairs.Where(p => cycle.Contains(p.Key.Split(" -> ")[0]) && cycle.Contains(p.Key.Split(" -> ")[1])))
            {
                cyclic.Add(edge);
                output.WriteLine($"{edge}: {string.Join("; ", pairs)}");
            }
        }
        Assert.True(cyclic.Count == 0, "dependencies closing a cycle between folders:\n" +
            string.Join("\n", cyclic.Select(e => $"  {e} ({string.Join("; ", graph.Pairs[e].Take(5))})")));
    }

    [Fact]
    public void A_subfolder_is_a_folder_of_its_own()
    {
        // Cluster uses the gossip messages generated into RedisClone.Node.Cluster.Protocol: two folders, one edge.
        FolderGraph graph = FolderGraph.Read(typeof(RedisClone.Node.Protocol.RespWriter).Assembly.Location);
        Assert.Contains("Cluster.Protocol", graph.Edges["Cluster"]);
    }

    [Fact]
    public void The_check_finds_a_cycle_when_there_is_one()
    {
        var graph = new FolderGraph();
        graph.Add("A", "B", "A.X -> B.Y");
        graph.Add("B", "C", "B.Y -> C.Z");
        graph.Add("C", "A", "C.Z -> A.X");
        graph.Add("C", "D", "C.Z -> D.W");
        List<List<string>> cycles = graph.Cycles();
        Assert.Single(cycles);
        Assert.Equal(["A", "B", "C"], cycles[0].Order(StringComparer.Ordinal));
    }
}

/// <summary>Which folder of the node uses which, with one example type pair per edge.</summary>
internal sealed class FolderGraph
{
    private const string Root = "RedisClone.Node.";

    /// <summary>Which folders each folder uses.</summary>
    public Dictionary<string, SortedSet<string>> Edges { get; } = [];

    /// <summary>Every type pair behind each edge, "from -> to" keyed.</summary>
    public Dictionary<string, SortedSet<string>> Pairs { get; } = [];

    public void Add(string from, string to, string example)
    {
        if (from == to)
        {
            return;
        }
        if (!Edges.TryGetValue(from, out SortedSet<string>? targets))
        {
            Edges[from] = targets = new SortedSet<string>(StringComparer.Ordinal);
        }
        targets.Add(to);
        string key = from + " -> " + to;
        if (!Pairs.TryGetValue(key, out SortedSet<string>? pairs))
        {
            Pairs[key] = pairs = new SortedSet<string>(StringComparer.Ordinal);
        }
        pairs.Add(example);
    }

    /// <summary>Strongly connected components of more than one folder (Tarjan).</summary>
    public List<List<string>> Cycles()
    {
        var index = new Dictionary<string, int>();
        var low = new Dictionary<string, int>();
        var stack = new Stack<string>();
        var onStack = new HashSet<string>();
        var result = new List<List<string>>();
        int next = 0;
        foreach (string node in Edges.Keys.Concat(Edges.Values.SelectMany(t => t)).Distinct().ToList())
        {
            if (!index.ContainsKey(node))
            {
                Visit(node);
            }
        }
        return result;

        void Visit(string node)
        {
            index[node] = low[node] = next++;
            stack.Push(node);
            onStack.Add(node);
            foreach (string target in Edges.GetValueOrDefault(node, []))
            {
                if (!index.ContainsKey(target))
                {
                    Visit(target);
                    low[node] = Math.Min(low[node], low[target]);
                }
                else if (onStack.Contains(target) && index.TryGetValue(target, out int targetIndex))
                {
                    low[node] = Math.Min(low[node], targetIndex);
                }
            }
            if (low[node] == index[node])
            {
                var component = new List<string>();
                string member;
                do
                {
                    member = stack.Pop();
                    onStack.Remove(member);
                    component.Add(member);
                }
                while (member != node);
                if (component.Count > 1)
                {
                    result.Add(component);
                }
            }
        }
    }

    public static FolderGraph Read(string assemblyPath)
    {
        using var stream = File.OpenRead(assemblyPath);
        using var pe = new PEReader(stream);
        MetadataReader reader = pe.GetMetadataReader();
        var graph = new FolderGraph();
        var provider = new TypeCollector(reader);
        foreach (TypeDefinitionHandle handle in reader.TypeDefinitions)
        {
            string? from = Folder(reader, handle);
            if (from is null)
            {
                continue;
            }
            var used = new HashSet<TypeDefinitionHandle>();
            TypeDefinition type = reader.GetTypeDefinition(handle);
            provider.AddType(type.BaseType, used);
            foreach (InterfaceImplementationHandle i in type.GetInterfaceImplementations())
            {
                provider.AddType(reader.GetInterfaceImplementation(i).Interface, used);
            }
            foreach (FieldDefinitionHandle f in type.GetFields())
            {
                used.UnionWith(reader.GetFieldDefinition(f).DecodeSignature(provider, null));
            }
            foreach (MethodDefinitionHandle m in type.GetMethods())
            {
                MethodDefinition method = reader.GetMethodDefinition(m);
                MethodSignature<ImmutableHashSet<TypeDefinitionHandle>> signature = method.DecodeSignature(provider, null);
                used.UnionWith(signature.ReturnType);
                foreach (ImmutableHashSet<TypeDefinitionHandle> parameter in signature.ParameterTypes)
                {
                    used.UnionWith(parameter);
                }
                if (method.RelativeVirtualAddress != 0)
                {
                    provider.AddBody(pe.GetMethodBody(method.RelativeVirtualAddress), used);
                }
            }
            foreach (TypeDefinitionHandle target in used)
            {
                if (Folder(reader, target) is { } to)
                {
                    graph.Add(from, to, $"{Name(reader, handle)} -> {Name(reader, target)}");
                }
            }
        }
        return graph;
    }

    /// <summary>
    /// The namespace under RedisClone.Node of the outermost declaring type, subfolders included ("Commands.Blocking" is a
    /// folder of its own, so a cycle between a folder and its subfolder counts); null outside folders.
    /// </summary>
    private static string? Folder(MetadataReader reader, TypeDefinitionHandle handle)
    {
        TypeDefinition type = reader.GetTypeDefinition(handle);
        while (type.GetDeclaringType() is { IsNil: false } outer)
        {
            type = reader.GetTypeDefinition(outer);
        }
        string ns = reader.GetString(type.Namespace);
        if (!ns.StartsWith(Root, StringComparison.Ordinal))
        {
            return null;
        }
        return ns[Root.Length..];
    }

    private static string Name(MetadataReader reader, TypeDefinitionHandle handle)
    {
        TypeDefinition type = reader.GetTypeDefinition(handle);
        string name = reader.GetString(type.Name);
        return type.GetDeclaringType() is { IsNil: false } outer ? Name(reader, outer) + "+" + name : name;
    }
}

/// <summary>Collects the assembly's own types named by signatures, type handles and IL tokens.</summary>
internal sealed class TypeCollector(MetadataReader reader) : ISignatureTypeProvider<ImmutableHashSet<TypeDefinitionHandle>, object?>
{
    private static readonly ImmutableHashSet<TypeDefinitionHandle> None = [];

    private static readonly Dictionary<short, System.Reflection.Emit.OperandType> Operands = typeof(System.Reflection.Emit.OpCodes)
        .GetFields()
        .Select(f => (System.Reflection.Emit.OpCode)f.GetValue(null)!)
        .ToDictionary(o => o.Value, o => o.OperandType);

    public void AddType(EntityHandle handle, HashSet<TypeDefinitionHandle> used)
    {
        if (handle.IsNil)
        {
            return;
        }
        switch (handle.Kind)
        {
            case HandleKind.TypeDefinition:
                used.Add((TypeDefinitionHandle)handle);
                break;
            case HandleKind.TypeSpecification:
                used.UnionWith(reader.GetTypeSpecification((TypeSpecificationHandle)handle).DecodeSignature(this, null));
                break;
        }
    }

    public void AddBody(MethodBodyBlock body, HashSet<TypeDefinitionHandle> used)
    {
        BlobReader il = body.GetILReader();
        while (il.RemainingBytes > 0)
        {
            short code = il.ReadByte();
            if (code == 0xFE)
            {
                code = unchecked((short)(0xFE00 | il.ReadByte()));
            }
            switch (Operands[code])
            {
                case System.Reflection.Emit.OperandType.InlineNone:
                    break;
                case System.Reflection.Emit.OperandType.ShortInlineBrTarget:
                case System.Reflection.Emit.OperandType.ShortInlineI:
                case System.Reflection.Emit.OperandType.ShortInlineVar:
                    il.Offset += 1;
                    break;
                case System.Reflection.Emit.OperandType.InlineVar:
                    il.Offset += 2;
                    break;
                case System.Reflection.Emit.OperandType.InlineI8:
                case System.Reflection.Emit.OperandType.InlineR:
                    il.Offset += 8;
                    break;
                case System.Reflection.Emit.OperandType.InlineSwitch:
                    il.Offset += 4 * il.ReadInt32();
                    break;
                case System.Reflection.Emit.OperandType.InlineField:
                case System.Reflection.Emit.OperandType.InlineMethod:
                case System.Reflection.Emit.OperandType.InlineTok:
                case System.Reflection.Emit.OperandType.InlineType:
                    AddToken(MetadataTokens.EntityHandle(il.ReadInt32()), used);
                    break;
                default:
                    il.Offset += 4; // branch targets, 32-bit constants, strings, signatures
                    break;
            }
        }
    }

    private void AddToken(EntityHandle handle, HashSet<TypeDefinitionHandle> used)
    {
        switch (handle.Kind)
        {
            case HandleKind.MethodDefinition:
                used.Add(reader.GetMethodDefinition((MethodDefinitionHandle)handle).GetDeclaringType());
                break;
            case HandleKind.FieldDefinition:
                used.Add(reader.GetFieldDefinition((FieldDefinitionHandle)handle).GetDeclaringType());
                break;
            case HandleKind.MemberReference:
                AddToken(reader.GetMemberReference((MemberReferenceHandle)handle).Parent, used);
                break;
            case HandleKind.MethodSpecification:
                MethodSpecification spec = reader.GetMethodSpecification((MethodSpecificationHandle)handle);
                AddToken(spec.Method, used);
                foreach (ImmutableHashSet<TypeDefinitionHandle> argument in spec.DecodeSignature(this, null))
                {
                    used.UnionWith(argument);
                }
                break;
            default:
                AddType(handle, used);
                break;
        }
    }

    public ImmutableHashSet<TypeDefinitionHandle> GetTypeFromDefinition(MetadataReader r, TypeDefinitionHandle handle, byte rawTypeKind) => [handle];
    public ImmutableHashSet<TypeDefinitionHandle> GetTypeFromReference(MetadataReader r, TypeReferenceHandle handle, byte rawTypeKind) => None;
    public ImmutableHashSet<TypeDefinitionHandle> GetTypeFromSpecification(MetadataReader r, object? context, TypeSpecificationHandle handle, byte rawTypeKind) =>
        r.GetTypeSpecification(handle).DecodeSignature(this, context);
    public ImmutableHashSet<TypeDefinitionHandle> GetPrimitiveType(PrimitiveTypeCode typeCode) => None;
    public ImmutableHashSet<TypeDefinitionHandle> GetSZArrayType(ImmutableHashSet<TypeDefinitionHandle> elementType) => elementType;
    public ImmutableHashSet<TypeDefinitionHandle> GetArrayType(ImmutableHashSet<TypeDefinitionHandle> elementType, ArrayShape shape) => elementType;
    public ImmutableHashSet<TypeDefinitionHandle> GetByReferenceType(ImmutableHashSet<TypeDefinitionHandle> elementType) => elementType;
    public ImmutableHashSet<TypeDefinitionHandle> GetPointerType(ImmutableHashSet<TypeDefinitionHandle> elementType) => elementType;
    public ImmutableHashSet<TypeDefinitionHandle> GetPinnedType(ImmutableHashSet<TypeDefinitionHandle> elementType) => elementType;
    public ImmutableHashSet<TypeDefinitionHandle> GetGenericInstantiation(ImmutableHashSet<TypeDefinitionHandle> genericType, ImmutableArray<ImmutableHashSet<TypeDefinitionHandle>> typeArguments) =>
        typeArguments.Aggregate(genericType, (all, argument) => all.Union(argument));
    public ImmutableHashSet<TypeDefinitionHandle> GetGenericMethodParameter(object? context, int index) => None;
    public ImmutableHashSet<TypeDefinitionHandle> GetGenericTypeParameter(object? context, int index) => None;
    public ImmutableHashSet<TypeDefinitionHandle> GetFunctionPointerType(MethodSignature<ImmutableHashSet<TypeDefinitionHandle>> signature) =>
        signature.ParameterTypes.Aggregate(signature.ReturnType, (all, p) => all.Union(p));
    public ImmutableHashSet<TypeDefinitionHandle> GetModifiedType(ImmutableHashSet<TypeDefinitionHandle> modifier, ImmutableHashSet<TypeDefinitionHandle> unmodifiedType, bool isRequired) => unmodifiedType;
}
