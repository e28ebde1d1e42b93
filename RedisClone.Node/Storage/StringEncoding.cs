namespace RedisClone.Node.Storage;

/// <summary>
/// How a string value was made, which decides what OBJECT ENCODING reports: Redis keeps an encoding on each value
/// and the same bytes can be "int", "embstr" or "raw" depending on the command that stored them.
/// </summary>
internal enum StringEncoding : byte
{
    /// <summary>Stored as a client sent it (SET, MSET, GETSET, INCR...): Redis's tryObjectEncoding picks int, embstr or raw.</summary>
    Auto,

    /// <summary>A string the server built (INCRBYFLOAT's result): embstr up to 44 bytes, raw beyond, never int.</summary>
    Created,

    /// <summary>Changed in place (APPEND to an existing key, SETRANGE): always raw.</summary>
    Raw,

    /// <summary>An integer object of its own (COPY of an int, Redis's dupStringObject): int, but never a shared integer.</summary>
    OwnInteger,
}
