/**
 * Summarises a V8 .cpuprofile (node --cpu-prof): self time by function and by file, and the
 * inclusive time of the functions named with --focus, as shares of the non-idle samples.
 *
 *   node -r @swc-node/register tools/bench/cpu-profile-summary.ts <file.cpuprofile> [--top 30]
 *     [--focus receive,receiveCall,validateRequest] [--from-ms 3000]
 *
 * --from-ms skips the start of the profile (start-up, connection set-up, warm-up).
 */
import { readFileSync } from 'node:fs';
import { basename } from 'node:path';
import { flagInt, flagString, parseFlags } from './bench-lib';

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  children?: number[];
}
interface CpuProfile {
  nodes: ProfileNode[];
  startTime: number;
  samples: number[];
  timeDeltas: number[];
}

const flags = parseFlags(process.argv.slice(2));
const file = process.argv.slice(2).find((arg) => arg.endsWith('.cpuprofile'));
if (!file) throw new Error('usage: cpu-profile-summary.ts <file.cpuprofile> [--top N] [--focus a,b] [--from-ms N]');
const top = flagInt(flags, 'top', 30);
const focus = flagString(flags, 'focus', '').split(',').filter(Boolean);
const fromUs = flagInt(flags, 'from-ms', 0) * 1000;

const profile = JSON.parse(readFileSync(file, 'utf8')) as CpuProfile;
const byId = new Map(profile.nodes.map((node) => [node.id, node]));
const parent = new Map<number, number>();
for (const node of profile.nodes) for (const child of node.children ?? []) parent.set(child, node.id);

const label = (node: ProfileNode): string => {
  const { functionName, url, lineNumber } = node.callFrame;
  const where = url ? `${basename(url)}:${lineNumber + 1}` : '';
  return `${functionName || '(anonymous)'}${where ? ` ${where}` : ''}`;
};

const selfCount = new Map<string, number>();
const fileCount = new Map<string, number>();
const inclusive = new Map<string, number>();
let total = 0;
let idle = 0;
let t = 0;
for (let i = 0; i < profile.samples.length; i++) {
  t += profile.timeDeltas[i] ?? 0;
  if (t < fromUs) continue;
  const node = byId.get(profile.samples[i]!);
  if (!node) continue;
  total++;
  const name = node.callFrame.functionName;
  if (name === '(idle)') {
    idle++;
    continue;
  }
  selfCount.set(label(node), (selfCount.get(label(node)) ?? 0) + 1);
  const url = node.callFrame.url ? basename(node.callFrame.url) : `(${name})`;
  fileCount.set(url, (fileCount.get(url) ?? 0) + 1);
  const seen = new Set<string>();
  for (let id: number | undefined = node.id; id !== undefined; id = parent.get(id)) {
    const fn = byId.get(id)!.callFrame.functionName;
    if (focus.includes(fn) && !seen.has(fn)) {
      seen.add(fn);
      inclusive.set(fn, (inclusive.get(fn) ?? 0) + 1);
    }
  }
}

const busy = total - idle;
const pct = (n: number): string => `${((n * 100) / busy).toFixed(1)}%`;
const print = (title: string, counts: Map<string, number>, limit: number): void => {
  process.stdout.write(`\n${title}\n`);
  for (const [name, count] of [...counts].sort((a, b) => b[1] - a[1]).slice(0, limit)) {
    process.stdout.write(`${pct(count).padStart(7)}  ${name}\n`);
  }
};
process.stdout.write(`${file}: ${busy} busy samples of ${total} (${((idle * 100) / Math.max(1, total)).toFixed(1)}% idle)\n`);
print('self time by function', selfCount, top);
print('self time by file', fileCount, 15);
if (focus.length) print('inclusive time', inclusive, focus.length);
