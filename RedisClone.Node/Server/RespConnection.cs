using System.Buffers;
using System.IO.Pipelines;
using Microsoft.Extensions.Logging;
using RedisClone.Node.Commands;
using RedisClone.Node.Protocol;
using RedisClone.Node.Storage;

namespace RedisClone.Node.Server;

/// <summary>
/// One client's read loop: every complete command in the receive buffer runs, in order, under one hold of the
/// keyspace lock; their replies go into the output buffer and are flushed once, after the lock is released.
/// </summary>
public sealed partial class RespConnection
{
    private const int CommandsPerLockHold = 1024;

    private readonly NodeServer _server;
    private readonly ClientSession _session;
    private readonly IDuplexPipe _transport;
    private readonly ILogger _logger;
    private readonly RequestParser _parser;
    private readonly CommandArguments _args = new();
    private readonly RespWriter _writer;
    private readonly CommandContext _context;

    public RespConnection(NodeServer server, ClientSession session, IDuplexPipe transport, ILogger logger)
    {
        _server = server;
        _session = session;
        _transport = transport;
        _logger = logger;
        _parser = new RequestParser(server.Limits);
        _writer = session.Reply;
        _context = new CommandContext(server, session, _writer, _args);
    }

    public async Task RunAsync()
    {
        PipeReader input = _transport.Input;
        PipeWriter output = _transport.Output;
        _writer.Attach(output);
        while (true)
        {
            ReadResult result = await input.ReadAsync().ConfigureAwait(false);
            ReadOnlySequence<byte> buffer = result.Buffer;
            long consumed = ProcessBatch(buffer);
            _session.QueryBufferLength = buffer.Length - consumed;
            _server.Stats.AddInput(consumed);
            input.AdvanceTo(buffer.GetPosition(consumed), buffer.End);

            long written = output.UnflushedBytes;
            if (written > 0)
            {
                _server.Stats.AddOutput(written);
                FlushResult flush = await output.FlushAsync().ConfigureAwait(false);
                if (flush.IsCompleted)
                {
                    break;
                }
            }
            if (_session.CloseAfterReply || result.IsCompleted || result.IsCanceled)
            {
                break;
            }
        }
    }

    /// <summary>Parses and runs the complete commands at the start of <paramref name="buffer"/>; returns the bytes used.</summary>
    private long ProcessBatch(ReadOnlySequence<byte> buffer)
    {
        long offset = 0;
        int executed = 0;
        Keyspace keyspace = _server.Keyspace;
        bool locked = false;
        try
        {
            while (!_session.CloseAfterReply)
            {
                _parser.Unauthenticated = !_session.Authenticated;
                ParseResult parsed = _parser.TryParse(offset == 0 ? buffer : buffer.Slice(offset), _args, out long used);
                if (parsed == ParseResult.NeedMore)
                {
                    break;
                }
                if (parsed == ParseResult.ProtocolError)
                {
                    // The text may quote the offending byte (expected '$', got '\xe9'): Latin-1 gives it back as that byte.
                    _writer.WriteError(System.Text.Encoding.Latin1.GetBytes("ERR " + _parser.Error));
                    _session.CloseAfterReply = true;
                    LogProtocolError(_session.Id, _session.RemoteAddress, _parser.Error);
                    break;
                }
                offset += used;
                if (_args.Count == 0)
                {
                    continue;
                }
                if (!locked)
                {
                    keyspace.Sync.Enter();
                    locked = true;
                    keyspace.UpdateClock();
                }
                ExecuteOne();
                if (++executed % CommandsPerLockHold == 0)
                {
                    // A long pipeline yields the lock now and then so other clients are not starved.
                    keyspace.Sync.Exit();
                    locked = false;
                }
            }
        }
        finally
        {
            if (locked)
            {
                keyspace.Sync.Exit();
            }
        }
        if (executed > 0)
        {
            _session.LastInteraction = Environment.TickCount64;
            _server.Stats.AddCommands(executed);
            _server.Stats.AddErrors(_writer.TakeErrorCount());
        }
        return offset;
    }

    private void ExecuteOne()
    {
        try
        {
            CommandDispatcher.Execute(_context);
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            // A handler bug must cost this one command, never the node or the other clients.
            LogCommandFailed(ex, _context.ArgString(0));
            _writer.WriteError("ERR internal error while running the command");
        }
    }

    [LoggerMessage(EventId = 1001, Level = LogLevel.Information, Message = "Client id={ClientId} addr={Address} closed after protocol error: {Error}")]
    private partial void LogProtocolError(long clientId, string address, string error);

    [LoggerMessage(EventId = 1002, Level = LogLevel.Error, Message = "Command {Command} failed unexpectedly")]
    private partial void LogCommandFailed(Exception exception, string command);
}
