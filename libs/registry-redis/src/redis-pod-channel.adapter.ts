import type Redis from 'ioredis';
import type { PodChannel } from '@evcsms/registry';
import { DEFAULT_KEY_PREFIX, RegistryKeys } from './redis-keys';
import type { RegistryLogger } from './redis-connection-registry.adapter';

export interface RedisPodChannelOptions {
  /** Sends PUBLISH; may be the registry's command connection. Not owned. */
  readonly publisher: Redis;
  /** A connection for this channel alone: SUBSCRIBE puts it in subscriber mode. Not owned. */
  readonly subscriber: Redis;
  readonly keyPrefix?: string;
  readonly logger?: RegistryLogger;
}

type Listener = (message: string) => void;

interface Subscription {
  readonly listeners: Set<Listener>;
  /** Settles when Redis confirmed the SUBSCRIBE. */
  readonly subscribed: Promise<unknown>;
}

/**
 * Pod messages over Redis pub/sub: one channel per pod, PUBLISHed on the command connection and
 * received on a dedicated subscriber connection. At most once: a message published while the pod
 * is not subscribed (restarting, reconnecting) is gone, and senders time out. ioredis subscribes
 * again by itself after a reconnect.
 */
export class RedisPodChannel implements PodChannel {
  private readonly publisher: Redis;
  private readonly subscriber: Redis;
  private readonly keys: RegistryKeys;
  private readonly logger: RegistryLogger | undefined;
  private readonly subscriptions = new Map<string, Subscription>();
  /** Channels closed while Redis was away: ioredis will resubscribe them on reconnect, we drop them again. */
  private readonly stale = new Set<string>();

  private readonly onMessage = (channel: string, message: string): void => {
    const subscription = this.subscriptions.get(channel);
    if (!subscription) return;
    for (const listener of [...subscription.listeners]) {
      try {
        listener(message);
      } catch (error) {
        this.logger?.error('pod channel listener failed', { channel, error });
      }
    }
  };

  private readonly onSubscriberReady = (): void => {
    const stale = [...this.stale].filter((channel) => !this.subscriptions.has(channel));
    this.stale.clear();
    if (stale.length) this.subscriber.unsubscribe(...stale).catch(() => stale.forEach((channel) => this.stale.add(channel)));
  };

  constructor(options: RedisPodChannelOptions) {
    this.publisher = options.publisher;
    this.subscriber = options.subscriber;
    this.keys = new RegistryKeys(options.keyPrefix ?? DEFAULT_KEY_PREFIX);
    this.logger = options.logger;
    this.subscriber.on('message', this.onMessage);
    this.subscriber.on('ready', this.onSubscriberReady);
  }

  async send(podId: string, message: string): Promise<void> {
    await this.publisher.publish(this.keys.podChannel(podId), message);
  }

  async listen(podId: string, onMessage: (message: string) => void): Promise<{ close(): Promise<void> }> {
    const channel = this.keys.podChannel(podId);
    const listener: Listener = (message) => onMessage(message);
    let subscription = this.subscriptions.get(channel);
    if (!subscription) {
      subscription = { listeners: new Set(), subscribed: this.subscriber.subscribe(channel) };
      this.subscriptions.set(channel, subscription);
      this.stale.delete(channel);
    }
    subscription.listeners.add(listener);
    try {
      await subscription.subscribed;
    } catch (error) {
      this.forget(channel, subscription, listener);
      throw error;
    }
    let closed = false;
    const current = subscription;
    return {
      close: async () => {
        if (closed) return;
        closed = true;
        await this.unlisten(channel, current, listener);
      },
    };
  }

  health(): { readonly healthy: boolean; readonly detail: string } {
    const status = this.subscriber.status;
    return { healthy: status === 'ready', detail: `redis subscriber ${status}, ${this.subscriptions.size} channels` };
  }

  /** Unsubscribes everything and stops listening to the connections (which belong to their creator). */
  async close(): Promise<void> {
    const channels = [...this.subscriptions.keys()];
    this.subscriptions.clear();
    this.subscriber.off('message', this.onMessage);
    this.subscriber.off('ready', this.onSubscriberReady);
    if (channels.length && this.subscriber.status === 'ready') await this.subscriber.unsubscribe(...channels).catch(() => undefined);
  }

  private async unlisten(channel: string, subscription: Subscription, listener: Listener): Promise<void> {
    if (!this.forget(channel, subscription, listener)) return;
    try {
      await this.subscriber.unsubscribe(channel);
    } catch {
      // Redis is away; once back, ioredis restores the subscription and onSubscriberReady drops it.
      if (!this.subscriptions.has(channel)) this.stale.add(channel);
    }
  }

  /** Removes a listener; true when it was the channel's last one and the channel should go. */
  private forget(channel: string, subscription: Subscription, listener: Listener): boolean {
    subscription.listeners.delete(listener);
    if (subscription.listeners.size > 0 || this.subscriptions.get(channel) !== subscription) return false;
    this.subscriptions.delete(channel);
    return true;
  }
}
