namespace RedisClone.Benchmarks;

/// <summary>The run could not even start measuring (connect failed, subscriptions not confirmed): one line for the user.</summary>
public sealed class RunFailedException(string message) : Exception(message);
