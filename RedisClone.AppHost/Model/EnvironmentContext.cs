namespace RedisClone.AppHost.Model;

/// <summary>What an environment callback fills: variables in the order they are first set (the manifest keeps it).</summary>
internal sealed class EnvironmentContext(AppExecutionContext executionContext)
{
    public AppExecutionContext ExecutionContext { get; } = executionContext;

    public OrderedDictionary<string, EnvironmentValue> Variables { get; } = new(StringComparer.Ordinal);
}
