import type { SessionRecord } from '@evcsms/simulator';
import type { ApiCdr, ApiSession, ChaosApi } from './chaos-api';

/** What the platform shows against what the chargers know (the simulator's ground truth). */
export interface SessionCheck {
  /** Sessions the chargers finished and the CSMS acknowledged: each must exist once, completed, same Wh. */
  readonly checked: number;
  /** Sessions the chargers finished but gave up delivering (not the CSMS's fault if missing). */
  readonly undelivered: number;
  readonly missing: string[];
  readonly duplicated: string[];
  readonly notCompleted: string[];
  readonly energyMismatches: string[];
  /** Sessions the CSMS has that no charger ever ran (phantoms, or duplicates under another id). */
  readonly unexpected: string[];
  /** API session ids of the checked sessions that are fine (for the CDR check). */
  readonly matched: Array<{ sessionId: string; stationId: string; energyWh: number; label: string }>;
}

export interface CdrCheck {
  readonly checked: number;
  /** Sessions whose CDR was corrected (credit + new debit) at least once, and the most corrections of one session. */
  readonly corrected: number;
  readonly maxCorrections: number;
  readonly missing: string[];
  readonly duplicated: string[];
  readonly energyMismatches: string[];
}

const sessionLabel = (record: SessionRecord): string => `${record.stationId}#${record.transactionId ?? '?'} (${record.protocol}, c${record.connectorId}, ${record.energyWh} Wh)`;

/** Compares every station's sessions in the API with the ground truth. */
export async function checkSessions(api: ChaosApi, stationIds: readonly string[], truth: readonly SessionRecord[]): Promise<SessionCheck> {
  const byStation = new Map<string, SessionRecord[]>();
  for (const record of truth) byStation.set(record.stationId, [...(byStation.get(record.stationId) ?? []), record]);
  const result = { checked: 0, undelivered: 0, missing: [] as string[], duplicated: [] as string[], notCompleted: [] as string[], energyMismatches: [] as string[], unexpected: [] as string[], matched: [] as SessionCheck['matched'][number][] };
  for (const stationId of stationIds) {
    const platform = await api.all<ApiSession>(`/sessions?stationId=${encodeURIComponent(stationId)}`);
    const claimed = new Set<string>();
    for (const record of byStation.get(stationId) ?? []) {
      const label = sessionLabel(record);
      const found = platform.filter((session) => record.transactionId !== null && String(session.transactionId) === String(record.transactionId));
      for (const session of found) claimed.add(session.id);
      if (!record.delivered) {
        result.undelivered += 1;
        continue;
      }
      result.checked += 1;
      if (found.length === 0) {
        result.missing.push(label);
        continue;
      }
      if (found.length > 1) result.duplicated.push(`${label}: ${found.length} sessions ${found.map((s) => s.id).join(', ')}`);
      const session = found[0]!;
      if (session.status !== 'completed') result.notCompleted.push(`${label}: ${session.status}`);
      else if (session.energyWh !== record.energyWh) result.energyMismatches.push(`${label}: CSMS ${session.energyWh} Wh`);
      else if (found.length === 1) result.matched.push({ sessionId: session.id, stationId, energyWh: record.energyWh, label });
    }
    for (const session of platform) {
      if (!claimed.has(session.id)) result.unexpected.push(`${stationId} session ${session.id} tx ${session.transactionId} ${session.status} ${session.energyWh} Wh`);
    }
  }
  return result;
}

/**
 * Each checked session has exactly one CDR standing for it (docs/billing.md): one original debit,
 * and each correction a credit of the debit it cancels plus a new debit that replaces it, so
 * exactly one debit is never credited, and that one carries the session's energy.
 */
export async function checkCdrs(api: ChaosApi, matched: SessionCheck['matched']): Promise<CdrCheck> {
  const result = { checked: 0, missing: [] as string[], duplicated: [] as string[], energyMismatches: [] as string[], corrected: 0, maxCorrections: 0 };
  const stations = [...new Set(matched.map((m) => m.stationId))];
  const cdrsBySession = new Map<string, ApiCdr[]>();
  for (const stationId of stations) {
    for (const cdr of await api.all<ApiCdr>(`/cdrs?stationId=${encodeURIComponent(stationId)}`)) {
      cdrsBySession.set(cdr.sessionId, [...(cdrsBySession.get(cdr.sessionId) ?? []), cdr]);
    }
  }
  for (const session of matched) {
    result.checked += 1;
    const all = cdrsBySession.get(session.sessionId) ?? [];
    const debits = all.filter((cdr) => cdr.credit !== true);
    const credits = all.filter((cdr) => cdr.credit === true);
    const originals = debits.filter((cdr) => !cdr.replacesCdrId);
    const credited = new Set(credits.map((cdr) => cdr.creditReferenceId));
    const standing = debits.filter((cdr) => !credited.has(cdr.id));
    if (credits.length) {
      result.corrected += 1;
      result.maxCorrections = Math.max(result.maxCorrections, credits.length);
    }
    if (debits.length === 0) result.missing.push(session.label);
    else if (originals.length !== 1 || standing.length !== 1 || credited.size !== credits.length || debits.length !== credits.length + 1) {
      result.duplicated.push(`${session.label}: ${originals.length} original debits, ${debits.length} debits, ${credits.length} credits, ${standing.length} standing`);
    } else if (standing[0]!.totalEnergyWh !== session.energyWh) result.energyMismatches.push(`${session.label}: standing CDR ${standing[0]!.totalEnergyWh} Wh`);
  }
  return result;
}

export function sessionProblems(check: SessionCheck): string[] {
  return [
    ...check.missing.map((s) => `missing session ${s}`),
    ...check.duplicated.map((s) => `duplicated session ${s}`),
    ...check.notCompleted.map((s) => `session not completed ${s}`),
    ...check.energyMismatches.map((s) => `energy differs ${s}`),
    ...check.unexpected.map((s) => `unexpected session ${s}`),
  ];
}

export function cdrProblems(check: CdrCheck): string[] {
  return [...check.missing.map((s) => `no CDR for ${s}`), ...check.duplicated.map((s) => `not exactly one standing CDR for ${s}`), ...check.energyMismatches.map((s) => `CDR energy differs ${s}`)];
}
