namespace RedisClone.Node.Configuration;

/// <summary>Who may run DEBUG: nobody, everybody, or clients on a loopback address.</summary>
public enum DebugCommandAccess
{
    No,
    Yes,
    Local,
}
