import { logLevel, type LogEntry } from 'kafkajs';
import type { BusLogLevel } from '@evcsms/bus';
import { kafkaLogCreator, logDeduper } from './kafka-log';

function capture(windowMs = 10_000) {
  let now = 0;
  const lines: Array<{ level: BusLogLevel; message: string; fields?: Readonly<Record<string, unknown>> }> = [];
  const write = kafkaLogCreator(
    (level, message, fields) => lines.push({ level, message, ...(fields ? { fields } : {}) }),
    logDeduper({ windowMs, now: () => now }),
  )(logLevel.ERROR);
  const entry = (level: logLevel, namespace: string, message: string, extra: Record<string, unknown> = {}): LogEntry => ({
    level,
    namespace,
    label: 'x',
    log: { timestamp: '2026-11-22T10:00:00.000Z', message, stack: 'Error: at somewhere', ...extra },
  });
  return { lines, write, entry, tick: (ms: number) => (now += ms) };
}

describe('kafkajs logs through the bus log function', () => {
  it('maps levels and keeps the fields, without timestamps or stacks', () => {
    const { lines, write, entry } = capture();
    write(entry(logLevel.ERROR, 'Connection', 'Connection error: connect ECONNREFUSED 127.0.0.1:9092', { broker: '127.0.0.1:9092' }));
    write(entry(logLevel.WARN, 'Producer', 'Limiting retries'));
    expect(lines).toEqual([
      { level: 'error', message: 'kafkajs: Connection error: connect ECONNREFUSED 127.0.0.1:9092', fields: { namespace: 'Connection', broker: '127.0.0.1:9092' } },
      { level: 'warn', message: 'kafkajs: Limiting retries', fields: { namespace: 'Producer' } },
    ]);
  });

  it('folds a flood of the same error (numbers aside) into one line per window, counting what it held back', () => {
    const { lines, write, entry, tick } = capture(10_000);
    for (let i = 0; i < 50; i += 1) write(entry(logLevel.ERROR, 'Consumer', `Restarting the consumer in ${700 + i}ms`));
    expect(lines).toHaveLength(1);
    tick(10_000);
    write(entry(logLevel.ERROR, 'Consumer', 'Restarting the consumer in 731ms'));
    expect(lines).toHaveLength(2);
    expect(lines[1]!.fields).toMatchObject({ repeatedSinceLast: 49 });
  });

  it('treats "the group is rebalancing" as routine: debug, not error', () => {
    const { lines, write, entry } = capture();
    write(entry(logLevel.ERROR, 'Connection', 'Response Heartbeat(key: 12, version: 3)', { error: 'The group is rebalancing, so a rejoin is needed' }));
    expect(lines[0]!.level).toBe('debug');
  });
});
