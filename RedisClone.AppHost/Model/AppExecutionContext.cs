namespace RedisClone.AppHost.Model;

/// <summary>Whether the AppHost runs the app here or publishes a manifest for a deployment tool (Aspire's two operations).</summary>
internal sealed class AppExecutionContext
{
    private AppExecutionContext(bool publish)
    {
        IsPublishMode = publish;
    }

    public static AppExecutionContext Run { get; } = new(publish: false);

    public static AppExecutionContext Publish { get; } = new(publish: true);

    public bool IsPublishMode { get; }

    public bool IsRunMode => !IsPublishMode;
}
