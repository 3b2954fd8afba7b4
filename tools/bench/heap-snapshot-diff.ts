/**
 * What a connection costs on the V8 heap: compares two heap snapshots (gateway-capacity.bench.ts
 * --heap-snapshot-dir writes one at 0 and one at N connections) by node type and constructor name,
 * and prints the growth per connection.
 *
 *   node -r @swc-node/register tools/bench/heap-snapshot-diff.ts <before.heapsnapshot> \
 *     <after.heapsnapshot> --per 4000 [--top 30]
 */
import { readFileSync } from 'node:fs';
import { flagInt, markdownTable, parseFlags } from './bench-lib';

interface HeapSnapshot {
  snapshot: { meta: { node_fields: string[]; node_types: [string[], ...unknown[]] } };
  nodes: number[];
  strings: string[];
}

type Totals = Map<string, { count: number; bytes: number }>;

function totals(file: string): Totals {
  const snapshot = JSON.parse(readFileSync(file, 'utf8')) as HeapSnapshot;
  const fields = snapshot.snapshot.meta.node_fields;
  const types = snapshot.snapshot.meta.node_types[0];
  const width = fields.length;
  const typeAt = fields.indexOf('type');
  const nameAt = fields.indexOf('name');
  const sizeAt = fields.indexOf('self_size');
  const result: Totals = new Map();
  for (let i = 0; i < snapshot.nodes.length; i += width) {
    const type = types[snapshot.nodes[i + typeAt]!] ?? '?';
    const name = snapshot.strings[snapshot.nodes[i + nameAt]!] ?? '?';
    // Strings and numbers are grouped by type; objects, arrays, closures by constructor / name.
    const key = /string|number|bigint|symbol/.test(type) ? `(${type})` : type === 'code' || type === 'hidden' ? `(${type}) ${name.slice(0, 40)}` : `${type} ${name.slice(0, 60)}`;
    const entry = result.get(key) ?? { count: 0, bytes: 0 };
    entry.count++;
    entry.bytes += snapshot.nodes[i + sizeAt]!;
    result.set(key, entry);
  }
  return result;
}

const flags = parseFlags(process.argv.slice(2));
const files = process.argv.slice(2).filter((arg) => arg.endsWith('.heapsnapshot'));
if (files.length !== 2) throw new Error('usage: heap-snapshot-diff.ts <before.heapsnapshot> <after.heapsnapshot> --per N');
const per = flagInt(flags, 'per', 1);
const top = flagInt(flags, 'top', 30);
const before = totals(files[0]!);
const after = totals(files[1]!);
const rows: Array<{ key: string; count: number; bytes: number }> = [];
for (const [key, value] of after) {
  const old = before.get(key) ?? { count: 0, bytes: 0 };
  rows.push({ key, count: value.count - old.count, bytes: value.bytes - old.bytes });
}
rows.sort((a, b) => b.bytes - a.bytes);
const sum = rows.reduce((acc, row) => acc + row.bytes, 0);
process.stdout.write(
  `${markdownTable(
    ['node', 'objects / conn', 'bytes / conn'],
    rows.slice(0, top).map((row) => [row.key.replace(/\|/g, '\\|'), (row.count / per).toFixed(2), (row.bytes / per).toFixed(0)]),
  )}\n\ntotal self size growth: ${(sum / per).toFixed(0)} bytes per connection\n`,
);
