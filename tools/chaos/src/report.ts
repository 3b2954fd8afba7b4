import { cpus, totalmem } from 'node:os';
import type { ScenarioResult } from './run-scenario';

const count = (list: readonly unknown[]): number => list.length;

/** The results as markdown, for docs/reliability.md. */
export function markdownReport(results: readonly ScenarioResult[], context: { command: string; startedAt: Date; billing: boolean }): string {
  const lines: string[] = [];
  lines.push(`Command: \`${context.command}\``);
  lines.push('');
  lines.push(
    `Machine: ${cpus().length} cores (${cpus()[0]?.model.trim() ?? 'unknown'}), ${Math.round(totalmem() / 2 ** 30)} GiB, Node ${process.version}; ` +
      `run ${context.startedAt.toISOString().slice(0, 16).replace('T', ' ')} UTC; billing ${context.billing ? 'running (CDR checks on)' : 'not running (no CDR checks)'}.`,
  );
  lines.push('');
  lines.push('| scenario | stations | fault lasted | most stations offline; all back online (simulator) after fault start | all connected and registered again, after the fault | sessions checked | missing / doubled / wrong energy / not completed / unexpected | undelivered by chargers | CDRs checked | CDR missing / not exactly one standing / wrong energy | sessions with corrected CDRs (most corrections) | restarted by harness | needed a manual restart | verdict |');
  lines.push('|---|---|---|---|---|---|---|---|---|---|---|---|---|---|');
  for (const r of results) {
    const s = r.sessions;
    lines.push(
      [
        r.key,
        r.stations,
        `${r.faultS} s`,
        r.maxOffline ? `${r.maxOffline}; ${r.backOnlineAfterS === null ? '-' : `${r.backOnlineAfterS} s`}` : '0',
        r.reconnectedAfterS === null ? 'not within bound' : `${r.reconnectedAfterS} s`,
        s.checked,
        `${count(s.missing)} / ${count(s.duplicated)} / ${count(s.energyMismatches)} / ${count(s.notCompleted)} / ${count(s.unexpected)}`,
        s.undelivered,
        r.cdrs ? r.cdrs.checked : 'n/a',
        r.cdrs ? `${count(r.cdrs.missing)} / ${count(r.cdrs.duplicated)} / ${count(r.cdrs.energyMismatches)}` : 'n/a',
        r.cdrs ? `${r.cdrs.corrected} (${r.cdrs.maxCorrections})` : 'n/a',
        r.restartedByHarness.join(', ') || '-',
        r.neededManualRestart.join(', ') || 'none',
        r.problems.length ? `**FAIL** (${r.problems.length})` : 'pass',
      ].join(' | ').replace(/^/, '| ').concat(' |'),
    );
  }
  const failing = results.filter((r) => r.problems.length);
  if (failing.length) {
    lines.push('');
    for (const r of failing) {
      lines.push(`Problems in ${r.key} (first 10 of ${r.problems.length}):`);
      lines.push('');
      for (const problem of r.problems.slice(0, 10)) lines.push(`- ${problem.split('\n')[0]}`);
      lines.push('');
    }
  }
  lines.push('');
  lines.push('Errors the chargers saw (CALLERROR codes; timeouts):');
  lines.push('');
  for (const r of results) lines.push(`- ${r.key}: ${JSON.stringify(r.callErrors)}; ${r.callTimeouts} call timeouts`);
  return lines.join('\n');
}
