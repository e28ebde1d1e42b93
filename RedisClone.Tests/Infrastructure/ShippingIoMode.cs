using System.Runtime.CompilerServices;
using RedisClone.Node.Hosting;

namespace RedisClone.Tests.Infrastructure;

/// <summary>In-process nodes run with the I/O mode a node process uses (inline completions), set before any socket exists.</summary>
internal static class ShippingIoMode
{
    [ModuleInitializer]
    internal static void Enable() => InlineIo.EnableUnlessConfigured();
}
