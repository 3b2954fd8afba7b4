/**
 * The ceiling: raw uWebSockets.js accepting the ocpp1.6 subprotocol on /ocpp/<id> and answering
 * every text message with one fixed, pre-serialised CALLRESULT (no parsing, no validation, no
 * JSON). Same process plumbing as gateway-server.ts (READY line, --control stdin, gc/stats).
 *
 *   node -r @swc-node/register tools/bench/raw-uws-echo.ts --port 0
 *
 * Keepalive: uWS's own (idleTimeout --idle-timeout-s, default 32 s, pings sent automatically).
 */
/* eslint-disable @nx/enforce-module-boundaries -- the baseline is raw uWebSockets.js on purpose */
import * as uws from 'uWebSockets.js';
/* eslint-enable @nx/enforce-module-boundaries */
import { assertLoopback, emit, exitWhenParentGoes, flagInt, flagString, onCommands, parseFlags } from './bench-lib';

/** A Heartbeat-sized CALLRESULT, never parsed nor built (kept here: this process loads no ajv/OCPP code). */
const RAW_ECHO_REPLY = '[3,"00000000-0000-0000-0000-000000000000",{"currentTime":"2026-11-22T10:15:00.000Z"}]';

function main(): void {
  const flags = parseFlags(process.argv.slice(2));
  const host = flagString(flags, 'host', '127.0.0.1');
  assertLoopback(host);
  const port = flagInt(flags, 'port', 0);
  const reply = Buffer.from(RAW_ECHO_REPLY);
  let connections = 0;

  const app = uws.App();
  app.ws<Record<string, never>>('/*', {
    compression: uws.DISABLED,
    maxPayloadLength: 128 * 1024,
    maxBackpressure: 256 * 1024,
    idleTimeout: flagInt(flags, 'idle-timeout-s', 32),
    sendPingsAutomatically: true,
    upgrade: (res, req, context) => {
      const offered = req.getHeader('sec-websocket-protocol');
      if (!/(^|,)\s*ocpp1\.6\s*(,|$)/i.test(offered)) {
        res.writeStatus('400 Bad Request').end('ocpp1.6 subprotocol required\n', true);
        return;
      }
      res.upgrade({}, req.getHeader('sec-websocket-key'), 'ocpp1.6', req.getHeader('sec-websocket-extensions'), context);
    },
    open: () => {
      connections++;
    },
    message: (ws, _message, isBinary) => {
      if (!isBinary) ws.send(reply, false, false);
    },
    close: () => {
      connections--;
    },
  });

  app.listen(host, port, (listenSocket) => {
    if (!listenSocket) {
      process.stderr.write(`raw-uws-echo: cannot listen on ${host}:${port}\n`);
      process.exit(1);
    }
    const boundPort = uws.us_socket_local_port(listenSocket);
    let closing = false;
    const shutdown = (): void => {
      if (closing) return;
      closing = true;
      uws.us_listen_socket_close(listenSocket);
      process.exit(0);
    };
    process.on('SIGTERM', shutdown);
    process.on('SIGINT', shutdown);
    if (flagString(flags, 'control', '') === 'stdin') {
      exitWhenParentGoes(shutdown);
      onCommands((command) => {
        if (command === 'gc') {
          const gc = (globalThis as { gc?: () => void }).gc;
          if (gc) {
            gc();
            gc();
          }
          emit({ event: 'gc', available: gc !== undefined });
        } else if (command === 'stats') {
          emit({ event: 'stats', connections, ...process.memoryUsage() });
        } else if (command === 'quit') shutdown();
      });
    }
    process.stderr.write(`raw-uws-echo: uWebSockets.js on ${host}:${boundPort}\n`);
    process.stdout.write(`READY ${boundPort} ${process.pid}\n`);
  });
}

main();
