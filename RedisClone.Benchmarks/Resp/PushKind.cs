namespace RedisClone.Benchmarks.Resp;

public enum PushKind
{
    /// <summary>The bytes end before the frame does: read more and parse again from the same offset.</summary>
    Incomplete,

    /// <summary>["message", channel, payload]</summary>
    Message,

    /// <summary>["pmessage", pattern, channel, payload]</summary>
    PatternMessage,

    /// <summary>["subscribe", channel, count]</summary>
    Subscribed,

    /// <summary>["psubscribe", pattern, count]</summary>
    PatternSubscribed,

    /// <summary>An error reply (-ERR ...): the text is in <see cref="PushFrame.Text"/>.</summary>
    Error,

    /// <summary>Anything else that is well-formed (a pong, an unsubscribe confirmation): skipped.</summary>
    Other,
}
