using Aspire.Hosting.ApplicationModel;

namespace Aspire.Hosting;

/// <summary>
/// A RedisClone cluster: node project resources (its children in the dashboard) that gossip with each other, seen by
/// clients as one connection string in StackExchange.Redis's configuration format: every node's RESP address and,
/// when there is one, the password (<c>node1:6379,node2:6379,password=...</c>).
/// </summary>
public sealed class RedisCloneClusterResource(string name) : Resource(name), IResourceWithConnectionString
{
    private readonly List<ProjectResource> _nodes = [];

    /// <summary>The nodes, node 1 first.</summary>
    public IReadOnlyList<ProjectResource> Nodes => _nodes;

    /// <summary>The password every client must AUTH with (the node's <c>requirepass</c>); null when the nodes need none.</summary>
    public ParameterResource? PasswordParameter { get; internal set; }

    /// <summary>The shared secret every gossip call between nodes carries (the node's <c>cluster-key</c>).</summary>
    public ParameterResource? ClusterKeyParameter { get; internal set; }

    /// <summary>
    /// Whether the password goes into the connection string: always when publishing; when running locally only if a
    /// value was configured (an empty local password means nodes without one).
    /// </summary>
    internal bool PasswordInConnectionString { get; set; }

    internal void AddNode(ProjectResource node) => _nodes.Add(node);

    /// <inheritdoc />
    public ReferenceExpression ConnectionStringExpression => ConnectionString(_nodes);

    /// <summary>
    /// A connection string to one node only (index 0 is node 1), for a client that should talk to that node: a
    /// service instance pinned to "its" node, say. The cluster carries its messages to the other nodes.
    /// </summary>
    public ReferenceExpression NodeConnectionString(int index) => ConnectionString([_nodes[index]]);

    private ReferenceExpression ConnectionString(List<ProjectResource> nodes)
    {
        var builder = new ReferenceExpressionBuilder();
        for (int i = 0; i < nodes.Count; i++)
        {
            if (i > 0)
            {
                builder.AppendLiteral(",");
            }
            EndpointReference resp = nodes[i].GetEndpoint(RedisCloneClusterBuilderExtensions.RespEndpointName);
            builder.Append($"{resp.Property(EndpointProperty.Host)}:{resp.Property(EndpointProperty.Port)}");
        }
        if (PasswordParameter is not null && PasswordInConnectionString)
        {
            builder.Append($",password={PasswordParameter}");
        }
        return builder.Build();
    }
}
