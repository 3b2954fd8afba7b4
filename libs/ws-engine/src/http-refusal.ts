import { STATUS_CODES } from 'node:http';

/**
 * `401 Unauthorized`: the status code and its standard reason phrase, as RFC 9112 status lines
 * carry them. uWS writes whatever it is given after `HTTP/1.1 `; a bare `401` breaks strict
 * clients, which then report a protocol error instead of the refusal.
 */
export function statusWithReason(status: number): string {
  return `${status} ${STATUS_CODES[status] ?? (status >= 500 ? 'Server Error' : 'Client Error')}`;
}

/** A complete HTTP/1.1 response that refuses an upgrade, for engines that write raw sockets. */
export function httpRefusal(status: number, reason: string, headers: Readonly<Record<string, string>> = {}): string {
  const body = `${reason}\n`;
  const lines = [
    `HTTP/1.1 ${statusWithReason(status)}`,
    'Connection: close',
    'Content-Type: text/plain; charset=utf-8',
    `Content-Length: ${Buffer.byteLength(body)}`,
    ...Object.entries(headers).map(([name, value]) => `${name}: ${value}`),
  ];
  return `${lines.join('\r\n')}\r\n\r\n${body}`;
}
