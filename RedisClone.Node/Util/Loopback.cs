using System.Net;

namespace RedisClone.Node.Util;

internal static class Loopback
{
    /// <summary>Redis's connIsLocal for TCP: the peer is 127.0.0.1 or ::1; an unknown peer is not local (fail closed).</summary>
    public static bool IsLocal(IPAddress? address)
    {
        if (address is null)
        {
            return false;
        }
        if (address.IsIPv4MappedToIPv6)
        {
            address = address.MapToIPv4();
        }
        return address.Equals(IPAddress.Loopback) || address.Equals(IPAddress.IPv6Loopback);
    }
}
