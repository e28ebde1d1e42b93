namespace RedisClone.Node.Configuration;

/// <summary>Who may run DEBUG: nobody, everybody, or clients on a loopback address.</summary>
internal enum DebugCommandAccess
{
    No,
    Yes,
    Local,
}
