import { tokenFor } from '../fleet/fleet-plan';
import type { SimulateArgs } from './cli-args';

/**
 * Registers the fleet's RFID tokens with the CSMS (POST /api/v1/tokens, Accepted), so drivers'
 * cards authorize. A token that already exists (409) is fine. Returns how many were created.
 */
export async function provisionTokens(args: SimulateArgs, concurrency = 16): Promise<number> {
  if (!args.apiUrl || !args.apiKey) return 0;
  const base = args.apiUrl.replace(/\/+$/, '').replace(/\/api\/v1$/, '');
  const tokens: string[] = [];
  for (let index = 0; index < args.stations; index++) {
    for (let connector = 1; connector <= args.connectors; connector++) tokens.push(tokenFor(args.tokenPrefix, index, connector));
  }
  let created = 0;
  let next = 0;
  const lane = async (): Promise<void> => {
    while (next < tokens.length) {
      const idToken = tokens[next++]!;
      const response = await fetch(`${base}/api/v1/tokens`, {
        method: 'POST',
        headers: { authorization: `Bearer ${args.apiKey}`, 'content-type': 'application/json' },
        body: JSON.stringify({ idToken, type: 'ISO14443', status: 'Accepted' }),
      });
      if (response.status === 201 || response.status === 200) created++;
      else if (response.status !== 409) throw new Error(`registering token ${idToken}: HTTP ${response.status} ${await response.text()}`);
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, tokens.length) }, lane));
  return created;
}
