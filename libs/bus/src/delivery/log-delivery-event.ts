import { errorFields, type BusLog } from '../bus-log';
import type { DeliveryEvent } from './process-batch';

/** How both adapters report what processBatch did: retries at debug, dead letters loudly. */
export function logDeliveryEvent(log: BusLog, bus: string, groupId: string, event: DeliveryEvent): void {
  switch (event.type) {
    case 'attempt-failed': {
      const first = event.messages[0]!;
      log('debug', `${bus}: handler failed`, {
        groupId,
        topic: first.topic,
        partition: first.partition,
        firstOffset: first.offset,
        messages: event.messages.length,
        attempt: event.attempt,
        retryInMs: event.retryInMs,
        error: errorFields(event.error),
      });
      return;
    }
    case 'isolating':
      return;
    case 'dead-lettered':
      log('warn', `${bus}: message dead-lettered`, {
        groupId,
        topic: event.message.topic,
        partition: event.message.partition,
        offset: event.message.offset,
        deadLetterTopic: event.deadLetterTopic,
        attempts: event.attempts,
        error: errorFields(event.error),
      });
      return;
    case 'dead-letter-failed':
      log('error', `${bus}: dead-letter publish failed`, {
        groupId,
        topic: event.message.topic,
        offset: event.message.offset,
        deadLetterTopic: event.deadLetterTopic,
        error: errorFields(event.error),
      });
      return;
  }
}
