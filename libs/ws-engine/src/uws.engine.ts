import type * as Uws from 'uWebSockets.js';
import { statusWithReason } from './http-refusal';
import { normaliseRemoteAddress } from './remote-address';
import type {
  EngineConnection,
  EngineHandlers,
  EngineListenOptions,
  ListeningEngine,
  SendOutcome,
  UpgradeRequest,
  WebSocketEngine,
} from './websocket-engine';

interface UwsUserData<Context> {
  context: Context;
  remoteAddress: string;
  connection?: UwsConnection<Context>;
}

const SEND_OUTCOME: Record<number, SendOutcome> = { 0: 'buffered', 1: 'sent', 2: 'dropped' };

/** Reasons uWS gives when it closes a socket on its own, and the close code they mean. */
const UWS_FORCE_CLOSE_CODES: Record<string, number> = { 'Received invalid UTF-8': 1007, 'Received too big message': 1009 };

class UwsConnection<Context> implements EngineConnection<Context> {
  /** uWS throws on any use of a socket after its close handler ran. */
  closed = false;

  constructor(
    private readonly socket: Uws.WebSocket<UwsUserData<Context>>,
    readonly context: Context,
    readonly remoteAddress: string,
  ) {}

  send(text: string): SendOutcome {
    if (this.closed) return 'dropped';
    return SEND_OUTCOME[this.socket.send(text, false, false)] ?? 'dropped';
  }

  bufferedAmount(): number {
    return this.closed ? 0 : this.socket.getBufferedAmount();
  }

  ping(): void {
    if (!this.closed) this.socket.ping();
  }

  close(code: number, reason: string): void {
    if (!this.closed) this.socket.end(code, reason);
  }

  terminate(): void {
    if (!this.closed) this.socket.close();
  }
}

/**
 * The default engine: uWebSockets.js, ~1 KiB per idle socket. Plain ws:// only; TLS listeners
 * use the node engine because this uWS build does not expose client certificates.
 */
export class UwsEngine implements WebSocketEngine {
  readonly name = 'uws' as const;

  constructor(private readonly uws: typeof Uws) {}

  listen<Context>(options: EngineListenOptions, handlers: EngineHandlers<Context>): Promise<ListeningEngine> {
    if (options.tls) return Promise.reject(new Error('the uws engine serves plain ws:// only; use the ws engine for TLS'));
    const { uws } = this;
    const app = uws.App();
    // ignoreBOM keeps a leading BOM in the text, as the ws engine does (it is not JSON).
    const textDecoder = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });

    app.ws<UwsUserData<Context>>('/*', {
      compression: uws.DISABLED,
      // uWS drops over-long frames without a close frame; up to twice the limit we answer 1009
      // ourselves, like the ws engine does, and only beyond that does uWS cut the socket.
      maxPayloadLength: options.maxPayloadBytes * 2,
      maxBackpressure: options.maxBackpressureBytes,
      closeOnBackpressureLimit: 0,
      // Keepalive is the gateway's policy, driven by its own sweep.
      idleTimeout: 0,
      sendPingsAutomatically: false,

      upgrade: (res, req, socketContext) => {
        // Everything from req must be copied now: it is invalid after this callback returns.
        const headers: Record<string, string> = {};
        req.forEach((name, value) => {
          headers[name] = value;
        });
        const query = req.getQuery();
        const request: UpgradeRequest = {
          url: query ? `${req.getUrl()}?${query}` : req.getUrl(),
          headers,
          remoteAddress: normaliseRemoteAddress(Buffer.from(res.getRemoteAddressAsText()).toString()),
          secure: false,
        };
        const aborted = new AbortController();
        res.onAborted(() => aborted.abort());

        handlers.upgrade(request, aborted.signal).then(
          (decision) => {
            if (aborted.signal.aborted) return;
            res.cork(() => {
              if (decision.accept) {
                const userData: UwsUserData<Context> = { context: decision.context, remoteAddress: request.remoteAddress };
                res.upgrade(userData, headers['sec-websocket-key'] ?? '', decision.protocol, headers['sec-websocket-extensions'] ?? '', socketContext);
              } else {
                res.writeStatus(statusWithReason(decision.status));
                res.writeHeader('Content-Type', 'text/plain; charset=utf-8');
                for (const [name, value] of Object.entries(decision.headers ?? {})) res.writeHeader(name, value);
                res.end(`${decision.reason}\n`, true);
              }
            });
          },
          () => {
            if (!aborted.signal.aborted) res.cork(() => res.writeStatus(statusWithReason(500)).end('Upgrade failed\n', true));
          },
        );
      },

      open: (ws) => {
        const userData = ws.getUserData();
        const connection = new UwsConnection(ws, userData.context, userData.remoteAddress);
        userData.connection = connection;
        handlers.open(connection);
      },

      message: (ws, message, isBinary) => {
        const connection = ws.getUserData().connection!;
        if (message.byteLength > options.maxPayloadBytes) {
          connection.close(1009, 'Message too big');
          return;
        }
        if (isBinary) {
          handlers.message(connection, null, message.byteLength);
          return;
        }
        let text: string;
        try {
          text = textDecoder.decode(message);
        } catch {
          // This uWS build rejects bad UTF-8 before JS runs; this guards builds that do not.
          connection.close(1007, 'Invalid UTF-8');
          return;
        }
        handlers.message(connection, text, message.byteLength);
      },

      pong: (ws) => handlers.pong(ws.getUserData().connection!),
      drain: (ws) => handlers.drain(ws.getUserData().connection!),
      close: (ws, code, message) => {
        const connection = ws.getUserData().connection!;
        connection.closed = true;
        const reason = Buffer.from(message).toString('utf8');
        // uWS drops sockets itself for bad UTF-8 and frames over its limit, reporting 1006.
        handlers.close(connection, code === 1006 ? (UWS_FORCE_CLOSE_CODES[reason] ?? code) : code, reason);
      },
    });

    app.any('/*', (res) => {
      res.writeStatus(statusWithReason(426)).writeHeader('Upgrade', 'websocket').end('WebSocket upgrade required\n');
    });

    return new Promise((resolve, reject) => {
      app.listen(options.host, options.port, (listenSocket) => {
        if (!listenSocket) {
          reject(new Error(`uws engine could not listen on ${options.host}:${options.port}`));
          return;
        }
        let listening = true;
        resolve({
          engine: 'uws',
          port: uws.us_socket_local_port(listenSocket),
          stopAccepting: () => {
            // Closing a listen socket twice is a use-after-free in uSockets.
            if (listening) uws.us_listen_socket_close(listenSocket);
            listening = false;
            return Promise.resolve();
          },
        });
      });
    });
  }
}
