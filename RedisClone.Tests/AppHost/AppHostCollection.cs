namespace RedisClone.Tests.AppHost;

/// <summary>
/// Tests of the Aspire AppHost share one started app (three nodes and an OTLP receiver standing in for the dashboard):
/// starting it costs about 20 s on two cores. They run one at a time, and the tests that start an app of their own
/// run in this collection too, never beside it.
/// </summary>
[CollectionDefinition(Name)]
public sealed class AppHostCollection : ICollectionFixture<AspireAppFixture>
{
    public const string Name = "Aspire AppHost";
}
