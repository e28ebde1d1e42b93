using System.Collections.Immutable;
using System.Reflection.Metadata;
using System.Reflection.PortableExecutable;

namespace RedisClone.Tests.Architecture;

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
