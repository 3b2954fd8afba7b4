import { STATUS_CODES } from 'node:http';

/** A complete HTTP/1.1 response that refuses an upgrade, for engines that write raw sockets. */
export function httpRefusal(status: number, reason: string, headers: Readonly<Record<string, string>> = {}): string {
  const body = `${reason}\n`;
  const lines = [
    `HTTP/1.1 ${status} ${STATUS_CODES[status] ?? 'Refused'}`,
    'Connection: close',
    'Content-Type: text/plain; charset=utf-8',
    `Content-Length: ${Buffer.byteLength(body)}`,
    ...Object.entries(headers).map(([name, value]) => `${name}: ${value}`),
  ];
  return `${lines.join('\r\n')}\r\n\r\n${body}`;
}
