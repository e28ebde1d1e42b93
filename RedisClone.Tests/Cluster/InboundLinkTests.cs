using RedisClone.Node.Cluster;

namespace RedisClone.Tests.Cluster;

/// <summary>
/// The defect that took a cluster down when one node stopped: liveness cancelled a call's source after the call had
/// disposed it. An inbound link may be aborted by anyone at any time; only its call disposes it.
/// </summary>
public class InboundLinkTests
{
    [Fact]
    public void Aborting_a_link_whose_call_already_ended_does_nothing()
    {
        using var call = new CancellationTokenSource();
        var link = new InboundLink("peer", call.Token);
        link.Dispose();
        link.Abort();
        Assert.True(link.Ended);
    }

    [Fact]
    public void Abort_ends_the_call()
    {
        using var call = new CancellationTokenSource();
        using var link = new InboundLink("peer", call.Token);
        link.Abort();
        Assert.True(link.Token.IsCancellationRequested);
    }

    [Fact]
    public void The_call_ending_inside_abort_disposes_safely()
    {
        using var call = new CancellationTokenSource();
        var link = new InboundLink("peer", call.Token);
        // As when a cancelled read resumes the call inline and the call ends (and disposes its link) at once.
        link.Token.Register(link.Dispose);
        link.Abort();
        link.Abort();
        Assert.True(link.Ended);
    }

    [Fact]
    public async Task Aborts_and_the_end_of_the_call_racing_never_throw()
    {
        for (int i = 0; i < 2000; i++)
        {
            using var call = new CancellationTokenSource();
            var link = new InboundLink("peer", call.Token);
            Task abort = Task.Run(link.Abort);
            Task end = Task.Run(link.Dispose);
            Task parent = Task.Run(call.Cancel);
            await Task.WhenAll(abort, end, parent);
        }
    }
}
