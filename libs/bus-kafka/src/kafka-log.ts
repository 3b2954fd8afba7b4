/**
 * kafkajs logs through the bus's log function: no console output of its own, one line per event,
 * and no floods. During an outage kafkajs repeats the same connection error many times a second;
 * entries that differ only in their numbers are let through once per window, and the next one
 * carries how many were held back. "The group is rebalancing" answers are routine, not errors,
 * and go out as debug.
 */
import { logLevel as KafkaLogLevelNumber, type logCreator, type LogEntry } from 'kafkajs';
import type { BusLog, BusLogLevel } from '@evcsms/bus';
import type { KafkaLogLevel } from './kafka-bus.options';

export const KAFKA_LOG_DEDUPE_WINDOW_MS = 10_000;
const MAX_TRACKED_ENTRIES = 500;

export function toKafkajsLogLevel(level: KafkaLogLevel): KafkaLogLevelNumber {
  switch (level) {
    case 'nothing':
      return KafkaLogLevelNumber.NOTHING;
    case 'error':
      return KafkaLogLevelNumber.ERROR;
    case 'warn':
      return KafkaLogLevelNumber.WARN;
    case 'info':
      return KafkaLogLevelNumber.INFO;
    case 'debug':
      return KafkaLogLevelNumber.DEBUG;
  }
}

function busLevel(level: KafkaLogLevelNumber): BusLogLevel {
  if (level <= KafkaLogLevelNumber.ERROR) return 'error';
  if (level === KafkaLogLevelNumber.WARN) return 'warn';
  if (level === KafkaLogLevelNumber.INFO) return 'info';
  return 'debug';
}

export interface LogDeduper {
  /** undefined: hold this one back; a number: let it through, after that many were held back. */
  admit(key: string): number | undefined;
}

/** Lets an entry through once per window per key; keys ignore numbers (retry times, ports, ids). */
export function logDeduper(options: { windowMs?: number; now?: () => number } = {}): LogDeduper {
  const windowMs = options.windowMs ?? KAFKA_LOG_DEDUPE_WINDOW_MS;
  const now = options.now ?? Date.now;
  const recent = new Map<string, { until: number; held: number }>();
  return {
    admit(rawKey) {
      const key = rawKey.replace(/\d+(\.\d+)?/g, '#');
      const at = now();
      const seen = recent.get(key);
      if (seen && at < seen.until) {
        seen.held += 1;
        return undefined;
      }
      if (recent.size >= MAX_TRACKED_ENTRIES) {
        for (const [k, v] of recent) if (v.until <= at) recent.delete(k);
        if (recent.size >= MAX_TRACKED_ENTRIES) recent.clear();
      }
      recent.set(key, { until: at + windowMs, held: 0 });
      return seen?.held ?? 0;
    },
  };
}

export function kafkaLogCreator(log: BusLog, deduper: LogDeduper = logDeduper()): logCreator {
  return () => (entry: LogEntry) => {
    const { timestamp: _timestamp, message, stack: _stack, ...extra } = entry.log;
    const error = typeof extra['error'] === 'string' ? extra['error'] : '';
    let level = busLevel(entry.level);
    if (/rebalanc/i.test(`${message} ${error}`) && (level === 'error' || level === 'warn')) level = 'debug';
    const held = deduper.admit(`${level}|${entry.namespace}|${message}|${error}`);
    if (held === undefined) return;
    log(level, `kafkajs: ${message}`, { namespace: entry.namespace, ...extra, ...(held > 0 ? { repeatedSinceLast: held } : {}) });
  };
}
