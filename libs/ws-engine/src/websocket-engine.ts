import type { TLSSocket } from 'node:tls';

/**
 * The port between the OCPP gateway and a WebSocket server implementation. The gateway owns
 * every policy (auth, subprotocols, keepalive, limits); an engine only moves frames.
 */
export type EngineName = 'uws' | 'ws';

export interface ClientCertificate {
  /** Subject common name, the station identity under security profile 3. */
  readonly commonName: string | undefined;
  readonly serialNumber: string;
  readonly fingerprint256: string;
  /** True when the TLS layer verified the chain against the configured CA. */
  readonly authorized: boolean;
}

export interface UpgradeRequest {
  /** Path plus query string exactly as received (still URL-encoded). */
  readonly url: string;
  /** Header names lower-cased; copied before any await, as uWS requires. */
  readonly headers: Readonly<Record<string, string>>;
  readonly remoteAddress: string;
  readonly secure: boolean;
  readonly clientCertificate?: ClientCertificate;
}

export type UpgradeDecision<Context> =
  | { readonly accept: true; readonly protocol: string; readonly context: Context }
  | {
      readonly accept: false;
      readonly status: number;
      readonly reason: string;
      readonly headers?: Readonly<Record<string, string>>;
    };

/** What happened to a frame handed to send(). */
export type SendOutcome = 'sent' | 'buffered' | 'dropped';

export interface EngineConnection<Context> {
  readonly context: Context;
  readonly remoteAddress: string;
  send(text: string): SendOutcome;
  bufferedAmount(): number;
  ping(): void;
  /** Close handshake with a code and a short reason (<= 123 bytes). */
  close(code: number, reason: string): void;
  /** Drop the TCP connection without a handshake. */
  terminate(): void;
}

export interface EngineHandlers<Context> {
  upgrade(request: UpgradeRequest, aborted: AbortSignal): Promise<UpgradeDecision<Context>>;
  open(connection: EngineConnection<Context>): void;
  /** text is null for a binary frame: OCPP-J only allows text. */
  message(connection: EngineConnection<Context>, text: string | null, byteLength: number): void;
  pong(connection: EngineConnection<Context>): void;
  drain(connection: EngineConnection<Context>): void;
  close(connection: EngineConnection<Context>, code: number, reason: string): void;
}

export interface EngineTlsOptions {
  readonly key: string;
  readonly cert: string;
  /** CA bundle for client certificates; when set, clients are asked for a certificate. */
  readonly ca?: string;
  /** Refuse the TLS handshake without a valid client certificate. */
  readonly requireClientCertificate?: boolean;
}

export interface EngineListenOptions {
  readonly host: string;
  /** 0 picks a free port. */
  readonly port: number;
  /** Frames above this are refused with close code 1009. */
  readonly maxPayloadBytes: number;
  /** Per-socket send buffer above which sends are dropped. */
  readonly maxBackpressureBytes: number;
  readonly tls?: EngineTlsOptions;
}

export interface ListeningEngine {
  readonly engine: EngineName;
  readonly port: number;
  /** Stop accepting new connections; open ones stay. */
  stopAccepting(): Promise<void>;
}

export interface WebSocketEngine {
  readonly name: EngineName;
  listen<Context>(options: EngineListenOptions, handlers: EngineHandlers<Context>): Promise<ListeningEngine>;
}

export function certificateOf(socket: TLSSocket): ClientCertificate | undefined {
  const peer = socket.getPeerCertificate();
  if (!peer || Object.keys(peer).length === 0) return undefined;
  const commonName = peer.subject?.CN;
  return {
    commonName: Array.isArray(commonName) ? commonName[0] : commonName,
    serialNumber: peer.serialNumber,
    fingerprint256: peer.fingerprint256,
    authorized: socket.authorized,
  };
}
