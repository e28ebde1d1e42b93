using System.Text;
using RedisClone.Node.Util;

namespace RedisClone.Tests.Protocol;

public class GlobMatcherTests
{
    [Theory]
    [InlineData("*", "anything", true)]
    [InlineData("h?llo", "hello", true)]
    [InlineData("h?llo", "hllo", false)]
    [InlineData("h*llo", "heeeello", true)]
    [InlineData("h[ae]llo", "hallo", true)]
    [InlineData("h[ae]llo", "hillo", false)]
    [InlineData("h[^e]llo", "hallo", true)]
    [InlineData("h[^e]llo", "hello", false)]
    [InlineData("h[a-b]llo", "hbllo", true)]
    [InlineData("h[b-a]llo", "hbllo", true)]
    [InlineData("h\\*llo", "h*llo", true)]
    [InlineData("h\\*llo", "hello", false)]
    [InlineData("news.*", "news.sport", true)]
    [InlineData("news.*", "news", false)]
    [InlineData("[abc", "a", true)]
    [InlineData("a**b", "axxb", true)]
    [InlineData("Hello", "hello", false)]
    public void Matches_like_redis(string pattern, string text, bool expected) =>
        Assert.Equal(expected, GlobMatcher.IsMatch(Encoding.UTF8.GetBytes(pattern), Encoding.UTF8.GetBytes(text)));

    // The timeout is a hang guard, not a speed goal: a backtracking matcher without Redis's cut-offs never returns here.
    [Fact(Timeout = 60_000)]
    public async Task A_hostile_pattern_returns_no_match_instead_of_hanging()
    {
        byte[] pattern = Encoding.ASCII.GetBytes(string.Concat(Enumerable.Repeat("a*", 5000)) + "b");
        byte[] text = Encoding.ASCII.GetBytes(new string('a', 20000));
        Assert.False(await Task.Run(() => GlobMatcher.IsMatch(pattern, text)));
    }
}
