using Microsoft.AspNetCore.Connections;
using Microsoft.AspNetCore.Connections.Features;
using RedisClone.Node.Clients;
using RedisClone.Node.Commands;
using RedisClone.Node.Configuration;
using RedisClone.Node.Protocol;

namespace RedisClone.Node.Connections;

/// <summary>Kestrel's seam for the RESP endpoint: one call per accepted connection, for as long as it lives.</summary>
internal sealed partial class RespConnectionHandler : ConnectionHandler
{
    private readonly NodeServer _server;
    private readonly ILogger<RespConnectionHandler> _logger;

    public RespConnectionHandler(NodeServer server, ILogger<RespConnectionHandler> logger)
    {
        _server = server;
        _logger = logger;
    }

    public override async Task OnConnectedAsync(ConnectionContext connection)
    {
        if (_server.ShuttingDown)
        {
            return;
        }
        _server.Stats.ConnectionReceived();
        if (_server.Clients.Count >= _server.Settings.MaxClients)
        {
            _server.Stats.ConnectionRejected();
            await connection.Transport.Output.WriteAsync("-ERR max number of clients reached\r\n"u8.ToArray()).ConfigureAwait(false);
            return;
        }
        NodeSettings settings = _server.Settings;
        if (ProtectedMode.Refuses(settings.ProtectedMode, settings.RequirePass is not null, connection.RemoteEndPoint))
        {
            // As Redis's clientAcceptHandler: the DENIED text, counted in rejected_connections, then closed.
            _server.Stats.ConnectionRejected();
            await connection.Transport.Output.WriteAsync(RespLiterals.ProtectedModeDenied.ToArray()).ConfigureAwait(false);
            return;
        }
        System.Net.Sockets.Socket? socket = connection.Features.Get<IConnectionSocketFeature>()?.Socket;
        long fd = socket?.Handle.ToInt64() ?? -1;
        var session = new ClientSession(_server.Clients.NextId(), connection.RemoteEndPoint, connection.LocalEndPoint, fd, connection.Abort)
        {
            Authenticated = _server.Settings.RequirePass is null,
            Wake = connection.Transport.Input.CancelPendingRead,
        };
        _server.Clients.Add(session);
        try
        {
            if (_server.ShuttingDown)
            {
                return; // shutdown began while this connection was being registered: the sweep may have missed it
            }
            if (!_server.ClusterFormed.IsCompleted)
            {
                await _server.ClusterFormed.ConfigureAwait(false);
            }
            await new RespConnection(_server, session, connection.Transport, _logger, socket is null ? null : () => InputWaiting(socket)).RunAsync().ConfigureAwait(false);
        }
        catch (ConnectionResetException)
        {
            // The client went away; nothing to report.
        }
        catch (ConnectionAbortedException)
        {
            // Closed by CLIENT KILL or by the server shutting down.
        }
        catch (IOException ex)
        {
            LogConnectionError(session.Id, ex.Message);
        }
        finally
        {
            lock (_server.Keyspace.Sync)
            {
                _server.Blocking.Cancel(session);
                session.UnwatchAll();
                session.EndMulti();
                _server.PubSub.RemoveAll(session);
                _server.Monitors.Remove(session);
            }
            // Closed once nothing routes to it any more, so no publisher or monitor line finds it closed.
            session.Outbound?.Close();
            _server.Clients.Remove(session);
        }
    }

    /// <summary>Whether the client's socket holds bytes not read yet (asked only about an unfinished line over 64 KB).</summary>
    private static bool InputWaiting(System.Net.Sockets.Socket socket)
    {
        try
        {
            return socket.Available > 0;
        }
        catch (Exception ex) when (ex is ObjectDisposedException or System.Net.Sockets.SocketException)
        {
            return false;
        }
    }

    [LoggerMessage(EventId = 1000, Level = LogLevel.Debug, Message = "Client id={ClientId} connection error: {Error}")]
    private partial void LogConnectionError(long clientId, string error);
}
