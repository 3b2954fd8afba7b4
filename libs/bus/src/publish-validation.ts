import type { OutgoingMessage } from './message-bus.port';

/** Kafka's rule for topic names; the in-process bus keeps to it so a name works on both. */
const TOPIC_NAME = /^[a-zA-Z0-9._-]{1,249}$/;

export function assertTopicName(topic: string): void {
  if (typeof topic !== 'string' || !TOPIC_NAME.test(topic) || topic === '.' || topic === '..') {
    throw new TypeError(`invalid topic name ${JSON.stringify(topic)}: use 1-249 of [a-zA-Z0-9._-]`);
  }
}

/** Checks what publish() was given, before anything is accepted. */
export function assertPublishable(topic: string, messages: readonly OutgoingMessage[]): void {
  assertTopicName(topic);
  const given: unknown = messages;
  if (!Array.isArray(given)) throw new TypeError('publish: messages must be an array');
  for (const message of messages) {
    if (typeof (message as OutgoingMessage | undefined)?.key !== 'string') throw new TypeError(`publish to ${topic}: every message needs a string key`);
    if (typeof message.value !== 'string') throw new TypeError(`publish to ${topic}: every message needs a string value`);
    for (const [name, value] of Object.entries(message.headers ?? {})) {
      if (typeof value !== 'string') throw new TypeError(`publish to ${topic}: header "${name}" must be a string`);
    }
  }
}
