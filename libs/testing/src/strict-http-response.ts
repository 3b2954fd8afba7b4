import { connect } from 'node:net';

/** An HTTP/1.1 response read off a raw TCP socket and parsed by the RFC 9112 grammar. */
export interface StrictHttpResponse {
  readonly statusLine: string;
  readonly status: number;
  readonly reasonPhrase: string;
  /** Field names lower-cased. */
  readonly headers: Readonly<Record<string, string>>;
  readonly body: string;
}

// status-line = HTTP-version SP status-code SP reason-phrase CRLF, reason-phrase = 1*( HTAB / SP / VCHAR / obs-text ).
// RFC 9112 lets the phrase be empty; we require one, as strict WebSocket clients do in practice.
const STATUS_LINE = /^HTTP\/\d\.\d (\d{3}) ([\t \x21-\x7e\x80-\xff]+)$/;
// field-line = field-name ":" OWS field-value OWS, field-name = token.
const FIELD_LINE = /^([!#$%&'*+.^_`|~0-9A-Za-z-]+):[ \t]*([\t \x21-\x7e\x80-\xff]*?)[ \t]*$/;

/**
 * Sends `request` verbatim on a fresh TCP connection and parses what comes back with no
 * leniency at all (unlike Node's parser, which accepts `HTTP/1.1 401` without a reason phrase):
 * what a strict charger-side client sees.
 */
export function strictHttpExchange(port: number, request: string, timeoutMs = 5_000): Promise<StrictHttpResponse> {
  return new Promise((resolve, reject) => {
    const socket = connect({ host: '127.0.0.1', port });
    const chunks: Buffer[] = [];
    const timer = setTimeout(() => {
      socket.destroy();
      reject(new Error(`no complete response within ${timeoutMs} ms; got ${JSON.stringify(Buffer.concat(chunks).toString('latin1'))}`));
    }, timeoutMs);
    const finish = (outcome: () => StrictHttpResponse | undefined): void => {
      try {
        const response = outcome();
        if (!response) return;
        clearTimeout(timer);
        socket.destroy();
        resolve(response);
      } catch (error) {
        clearTimeout(timer);
        socket.destroy();
        reject(error instanceof Error ? error : new Error(String(error)));
      }
    };
    socket.on('connect', () => socket.write(request));
    socket.on('data', (chunk: Buffer) => {
      chunks.push(chunk);
      finish(() => parseStrictHttpResponse(Buffer.concat(chunks), false));
    });
    socket.on('end', () => finish(() => parseStrictHttpResponse(Buffer.concat(chunks), true)));
    socket.on('error', (error) => {
      clearTimeout(timer);
      reject(error);
    });
  });
}

/** undefined while the response is incomplete and the connection still open. */
export function parseStrictHttpResponse(bytes: Buffer, ended: boolean): StrictHttpResponse | undefined {
  const text = bytes.toString('latin1');
  const headEnd = text.indexOf('\r\n\r\n');
  if (headEnd < 0) {
    if (ended) throw new Error(`connection closed before the end of the header section: ${JSON.stringify(text)}`);
    return undefined;
  }
  const [statusLine = '', ...fieldLines] = text.slice(0, headEnd).split('\r\n');
  const status = STATUS_LINE.exec(statusLine);
  if (!status) throw new Error(`invalid HTTP status line: ${JSON.stringify(statusLine)}`);
  const headers: Record<string, string> = {};
  for (const line of fieldLines) {
    const field = FIELD_LINE.exec(line);
    if (!field) throw new Error(`invalid HTTP field line: ${JSON.stringify(line)}`);
    const name = field[1]!.toLowerCase();
    headers[name] = headers[name] === undefined ? field[2]! : `${headers[name]}, ${field[2]!}`;
  }
  const rest = bytes.subarray(Buffer.byteLength(text.slice(0, headEnd + 4), 'latin1'));
  const length = headers['content-length'];
  if (length !== undefined) {
    if (!/^\d+$/.test(length)) throw new Error(`invalid Content-Length: ${length}`);
    if (rest.length < Number(length)) {
      if (ended) throw new Error(`connection closed after ${rest.length} of ${length} body bytes`);
      return undefined;
    }
  } else if (!ended) return undefined;
  const body = rest.subarray(0, length === undefined ? rest.length : Number(length)).toString('utf8');
  return { statusLine, status: Number(status[1]), reasonPhrase: status[2]!, headers, body };
}

/** A WebSocket upgrade request as a charger sends it. */
export function upgradeRequest(path: string, headers: Readonly<Record<string, string>> = {}): string {
  const lines = [
    `GET ${path} HTTP/1.1`,
    'Host: 127.0.0.1',
    'Upgrade: websocket',
    'Connection: Upgrade',
    'Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==',
    'Sec-WebSocket-Version: 13',
    ...Object.entries(headers).map(([name, value]) => `${name}: ${value}`),
  ];
  return `${lines.join('\r\n')}\r\n\r\n`;
}
