namespace RedisClone.Tests.AppHost;

/// <summary>AppHost tests each run a whole cluster of node processes: one at a time, not beside each other.</summary>
[CollectionDefinition(Name)]
public sealed class AppHostCollection
{
    public const string Name = "AppHost processes";
}
