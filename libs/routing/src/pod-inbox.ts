import type { PodMessage } from '@evcsms/contracts';
import type { Logger } from '@evcsms/logging';
import type { PodChannel } from '@evcsms/registry';

type Handlers = { [K in PodMessage['type']]?: (message: Extract<PodMessage, { type: K }>) => void };

/** This process's mailbox on the pod channel: decodes each message and hands it to its owner. */
export class PodInbox {
  private readonly handlers: Handlers = {};
  private listening: { close(): Promise<void> } | undefined;

  constructor(
    readonly podId: string,
    private readonly channel: PodChannel,
    private readonly logger: Logger,
  ) {}

  on<K extends PodMessage['type']>(type: K, handler: (message: Extract<PodMessage, { type: K }>) => void): void {
    (this.handlers as Record<string, unknown>)[type] = handler;
  }

  async start(): Promise<void> {
    this.listening = await this.channel.listen(this.podId, (raw) => this.dispatch(raw));
  }

  async stop(): Promise<void> {
    await this.listening?.close();
    this.listening = undefined;
  }

  send(podId: string, message: PodMessage): Promise<void> {
    return this.channel.send(podId, JSON.stringify(message));
  }

  private dispatch(raw: string): void {
    let message: PodMessage;
    try {
      message = JSON.parse(raw) as PodMessage;
    } catch {
      this.logger.warn('unreadable pod message dropped', { podId: this.podId });
      return;
    }
    const handler = (this.handlers as Record<string, ((message: PodMessage) => void) | undefined>)[message.type];
    if (!handler) {
      this.logger.warn('pod message without a handler dropped', { type: message.type });
      return;
    }
    try {
      handler(message);
    } catch (error) {
      this.logger.error('pod message handler failed', { type: message.type, error });
    }
  }
}
