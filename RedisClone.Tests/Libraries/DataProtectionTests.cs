using Microsoft.AspNetCore.DataProtection;
using Microsoft.Extensions.DependencyInjection;
using RedisClone.Tests.Infrastructure;
using StackExchange.Redis;

namespace RedisClone.Tests.Libraries;

/// <summary>
/// ASP.NET Core Data Protection with its key ring persisted to the node (Microsoft.AspNetCore.DataProtection.
/// StackExchangeRedis). Its repository stores each new key as an XML element with RPUSH and reads the whole ring with
/// LRANGE key 0 -1 (seen with MONITOR): a second application instance, with its own connection and no key of its own,
/// must read the first one's key from the list and unprotect what the first protected.
/// </summary>
public sealed class DataProtectionTests(NodeFixture node) : IClassFixture<NodeFixture>
{
    private const string KeyName = "DataProtection-Keys";

    private static ServiceProvider Instance(IConnectionMultiplexer redis) =>
        new ServiceCollection()
            .AddDataProtection()
            .SetApplicationName("redisclone-tests")
            .PersistKeysToStackExchangeRedis(redis, KeyName)
            .Services
            .BuildServiceProvider();

    [Fact]
    public async Task A_second_instance_unprotects_with_the_key_the_first_stored_in_a_list()
    {
        using RawClient admin = node.Raw();
        admin.Call("DEL", KeyName);
        await using ConnectionMultiplexer firstConnection = await ConnectionMultiplexer.ConnectAsync(node.Endpoint);
        await using ConnectionMultiplexer secondConnection = await ConnectionMultiplexer.ConnectAsync(node.Endpoint);

        string protectedPayload;
        using (ServiceProvider first = Instance(firstConnection))
        {
            protectedPayload = first.GetRequiredService<IDataProtectionProvider>().CreateProtector("orders").Protect("card 4111-1111");
        }

        // The first instance created its key and pushed it, as XML, onto the list.
        Assert.Equal(":1\r\n", admin.Call("LLEN", KeyName));
        Assert.Equal("+list\r\n", admin.Call("TYPE", KeyName));
        Assert.Contains("<key id=", admin.Call("LINDEX", KeyName, "0"), StringComparison.Ordinal);

        using ServiceProvider second = Instance(secondConnection);
        IDataProtector protector = second.GetRequiredService<IDataProtectionProvider>().CreateProtector("orders");
        Assert.Equal("card 4111-1111", protector.Unprotect(protectedPayload));
        // Reading the ring created no second key.
        Assert.Equal(":1\r\n", admin.Call("LLEN", KeyName));
        Assert.Throws<System.Security.Cryptography.CryptographicException>(() => second.GetRequiredService<IDataProtectionProvider>().CreateProtector("other").Unprotect(protectedPayload));
    }
}
