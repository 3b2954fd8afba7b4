import WebSocket from 'ws';

/**
 * A deliberately dumb OCPP-J client over `ws`: sends any bytes we like and records everything
 * the gateway does, so tests can assert exact frames and close codes.
 */
export class RawOcppClient {
  readonly received: unknown[] = [];
  pings = 0;
  closeCode: number | undefined;
  closeReason: string | undefined;
  private waiters: Array<() => void> = [];
  readonly closed: Promise<{ code: number; reason: string }>;

  private constructor(readonly socket: WebSocket) {
    socket.on('message', (data, isBinary) => {
      const text = isBinary ? `<binary ${(data as Buffer).length}>` : (data as Buffer).toString('utf8');
      let parsed: unknown = text;
      try {
        parsed = JSON.parse(text);
      } catch {
        /* keep raw text */
      }
      this.received.push(parsed);
      this.wake();
    });
    socket.on('ping', () => {
      this.pings += 1;
      this.wake();
    });
    this.closed = new Promise((resolve) => {
      socket.on('close', (code, reason) => {
        this.closeCode = code;
        this.closeReason = reason.toString();
        this.wake();
        resolve({ code, reason: reason.toString() });
      });
    });
    socket.on('error', () => undefined);
  }

  get protocol(): string {
    return this.socket.protocol;
  }

  static connect(
    url: string,
    options: { protocols?: string[]; headers?: Record<string, string>; wsOptions?: WebSocket.ClientOptions } = {},
  ): Promise<RawOcppClient> {
    return new Promise((resolve, reject) => {
      const socket = new WebSocket(url, options.protocols ?? ['ocpp1.6'], { headers: options.headers, ...options.wsOptions });
      socket.once('open', () => resolve(new RawOcppClient(socket)));
      socket.once('unexpected-response', (_request, response) => {
        let body = '';
        response.on('data', (chunk: Buffer) => (body += chunk.toString()));
        response.on('end', () => reject(new UpgradeRefused(response.statusCode ?? 0, body.trim(), response.headers as Record<string, string>)));
      });
      socket.once('error', reject);
    });
  }

  send(text: string | Buffer): void {
    this.socket.send(text, { binary: Buffer.isBuffer(text) });
  }

  sendFrame(frame: unknown): void {
    this.send(JSON.stringify(frame));
  }

  /** Waits for the next frame after `index` (default: the next one not yet seen). */
  async nextMessage(timeoutMs = 3_000): Promise<unknown> {
    const index = this.consumed;
    await this.until(() => this.received.length > index, timeoutMs, 'a message');
    this.consumed = index + 1;
    return this.received[index];
  }

  /** Sends a CALL and waits for the reply with the same message id. */
  async call(messageId: string, action: string, payload: unknown, timeoutMs = 3_000): Promise<unknown[]> {
    this.sendFrame([2, messageId, action, payload]);
    let found: unknown[] | undefined;
    await this.until(
      () => {
        found = this.received.find((frame): frame is unknown[] => Array.isArray(frame) && frame[1] === messageId && frame[0] !== 2);
        return found !== undefined;
      },
      timeoutMs,
      `the reply to ${messageId}`,
    );
    return found!;
  }

  /** Waits for a CALL from the CSMS with this action. */
  async expectCall(action: string, timeoutMs = 3_000): Promise<[number, string, string, Record<string, unknown>]> {
    let found: [number, string, string, Record<string, unknown>] | undefined;
    await this.until(
      () => {
        found = this.received.find(
          (frame): frame is [number, string, string, Record<string, unknown>] =>
            Array.isArray(frame) && frame[0] === 2 && frame[2] === action && !this.answered.has(frame[1] as string),
        );
        return found !== undefined;
      },
      timeoutMs,
      `a ${action} call`,
    );
    this.answered.add(found![1]);
    return found!;
  }

  private consumed = 0;
  private readonly answered = new Set<string>();

  async until(predicate: () => boolean, timeoutMs: number, what: string): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (!predicate()) {
      const remaining = deadline - Date.now();
      if (remaining <= 0) throw new Error(`timed out waiting for ${what}; received so far: ${JSON.stringify(this.received).slice(0, 500)}`);
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, Math.min(remaining, 50));
        this.waiters.push(() => {
          clearTimeout(timer);
          resolve();
        });
      });
    }
  }

  close(): void {
    this.socket.close();
  }

  terminate(): void {
    this.socket.terminate();
  }

  private wake(): void {
    const waiters = this.waiters;
    this.waiters = [];
    for (const wake of waiters) wake();
  }
}

export class UpgradeRefused extends Error {
  constructor(
    readonly status: number,
    readonly body: string,
    readonly headers: Record<string, string>,
  ) {
    super(`upgrade refused with ${status}: ${body}`);
  }
}

export async function refusal(promise: Promise<unknown>): Promise<UpgradeRefused> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof UpgradeRefused) return error;
    throw error;
  }
  throw new Error('expected the upgrade to be refused, but it was accepted');
}
