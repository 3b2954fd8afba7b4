import { createServer as createHttpServer, type IncomingMessage, type Server } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import type { Duplex } from 'node:stream';
import type { TLSSocket } from 'node:tls';
import { WebSocketServer, type WebSocket, type RawData } from 'ws';
import { httpRefusal } from './http-refusal';
import { normaliseRemoteAddress } from './remote-address';
import {
  certificateOf,
  type EngineConnection,
  type EngineHandlers,
  type EngineListenOptions,
  type ListeningEngine,
  type SendOutcome,
  type UpgradeRequest,
  type WebSocketEngine,
} from './websocket-engine';

const WS_ERROR_CLOSE_CODES: Record<string, number> = {
  WS_ERR_UNSUPPORTED_MESSAGE_LENGTH: 1009,
  WS_ERR_INVALID_UTF8: 1007,
};

class NodeWsConnection<Context> implements EngineConnection<Context> {
  private waitingForDrain = false;

  constructor(
    private readonly socket: WebSocket,
    readonly context: Context,
    readonly remoteAddress: string,
    private readonly maxBackpressureBytes: number,
    private readonly onDrain: () => void,
  ) {}

  send(text: string): SendOutcome {
    if (this.socket.readyState !== this.socket.OPEN) return 'dropped';
    if (this.socket.bufferedAmount > this.maxBackpressureBytes) return 'dropped';
    this.socket.send(text);
    if (this.socket.bufferedAmount === 0) return 'sent';
    this.watchDrain();
    return 'buffered';
  }

  bufferedAmount(): number {
    return this.socket.bufferedAmount;
  }

  ping(): void {
    if (this.socket.readyState === this.socket.OPEN) this.socket.ping();
  }

  close(code: number, reason: string): void {
    if (this.socket.readyState === this.socket.OPEN) this.socket.close(code, reason);
  }

  terminate(): void {
    this.socket.terminate();
  }

  // ws has no drain event of its own: poll the buffer while (and only while) it is not empty.
  private watchDrain(): void {
    if (this.waitingForDrain) return;
    this.waitingForDrain = true;
    const check = (): void => {
      if (this.socket.readyState !== this.socket.OPEN) return;
      if (this.socket.bufferedAmount === 0) {
        this.waitingForDrain = false;
        this.onDrain();
      } else setTimeout(check, 5);
    };
    setTimeout(check, 5);
  }
}

/** Portable engine on Node's http(s) and the `ws` package; also the TLS engine (peer certificates). */
export class NodeWsEngine implements WebSocketEngine {
  readonly name = 'ws' as const;

  listen<Context>(options: EngineListenOptions, handlers: EngineHandlers<Context>): Promise<ListeningEngine> {
    const server: Server = options.tls
      ? createHttpsServer({
          key: options.tls.key,
          cert: options.tls.cert,
          ca: options.tls.ca,
          requestCert: options.tls.ca !== undefined,
          rejectUnauthorized: options.tls.requireClientCertificate ?? false,
        })
      : createHttpServer();
    const wss = new WebSocketServer({
      noServer: true,
      maxPayload: options.maxPayloadBytes,
      perMessageDeflate: false,
      clientTracking: false,
      // The gateway already chose; ws only needs to echo it.
      handleProtocols: (_offered, request) => (request as IncomingMessage & { chosenProtocol?: string }).chosenProtocol ?? false,
    });

    server.on('request', (_request, response) => {
      response.writeHead(426, { Upgrade: 'websocket', 'Content-Type': 'text/plain' }).end('WebSocket upgrade required\n');
    });
    server.on('upgrade', (request: IncomingMessage, socket: Duplex, head: Buffer) => {
      this.upgrade(request, socket, head, wss, options, handlers);
    });

    return new Promise((resolve, reject) => {
      server.once('error', reject);
      server.listen(options.port, options.host, () => {
        server.off('error', reject);
        const address = server.address();
        const port = typeof address === 'object' && address ? address.port : options.port;
        resolve({
          engine: 'ws',
          port,
          stopAccepting: () =>
            new Promise<void>((done) => {
              server.close();
              done();
            }),
        });
      });
    });
  }

  private upgrade<Context>(
    request: IncomingMessage,
    socket: Duplex,
    head: Buffer,
    wss: WebSocketServer,
    options: EngineListenOptions,
    handlers: EngineHandlers<Context>,
  ): void {
    const aborted = new AbortController();
    socket.on('error', () => socket.destroy());
    socket.once('close', () => aborted.abort());
    const tlsSocket = options.tls ? (request.socket as TLSSocket) : undefined;
    const clientCertificate = tlsSocket ? certificateOf(tlsSocket) : undefined;
    const upgradeRequest: UpgradeRequest = {
      url: request.url ?? '/',
      headers: flattenHeaders(request),
      remoteAddress: normaliseRemoteAddress(request.socket.remoteAddress),
      secure: tlsSocket !== undefined,
      ...(clientCertificate ? { clientCertificate } : {}),
    };

    handlers.upgrade(upgradeRequest, aborted.signal).then(
      (decision) => {
        if (aborted.signal.aborted || socket.destroyed) return;
        if (!decision.accept) {
          socket.end(httpRefusal(decision.status, decision.reason, decision.headers));
          return;
        }
        (request as IncomingMessage & { chosenProtocol?: string }).chosenProtocol = decision.protocol;
        wss.handleUpgrade(request, socket, head, (ws) => {
          const connection = new NodeWsConnection(ws, decision.context, upgradeRequest.remoteAddress, options.maxBackpressureBytes, () =>
            handlers.drain(connection),
          );
          ws.on('message', (data: RawData, isBinary: boolean) => {
            const bytes = Array.isArray(data) ? Buffer.concat(data) : Buffer.from(data as ArrayBuffer);
            handlers.message(connection, isBinary ? null : bytes.toString('utf8'), bytes.byteLength);
          });
          ws.on('pong', () => handlers.pong(connection));
          // A frame ws refused (too big, bad UTF-8, bad framing): report the code ws closed with.
          let refusedWith: number | undefined;
          ws.on('error', (error: Error & { code?: string }) => {
            refusedWith = WS_ERROR_CLOSE_CODES[error.code ?? ''] ?? 1002;
          });
          ws.once('close', (code: number, reason: Buffer) => handlers.close(connection, refusedWith ?? code, reason.toString('utf8')));
          handlers.open(connection);
        });
      },
      () => {
        if (!socket.destroyed) socket.end(httpRefusal(500, 'Upgrade failed'));
      },
    );
  }
}

function flattenHeaders(request: IncomingMessage): Record<string, string> {
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(request.headers)) {
    if (value !== undefined) headers[name] = Array.isArray(value) ? value.join(', ') : value;
  }
  return headers;
}
