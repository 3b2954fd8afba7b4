// Moves a station off security profile 0 (docs/gateway.md, "Moving stations off profile 0"):
//
//   node -r @swc-node/register apps/csms/src/set-station-password.cli.ts STATION_ID [--profile 1|2] < password-file
//
// The password is read from stdin (never from the command line, where `ps` would show it). The
// database is DATABASE_URL or the embedded one under DATA_DIR (default ./data): stop `npm start`
// first, PGlite serves one process at a time.
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { createLogger } from '@evcsms/logging';
import { databaseFromEnv } from '@evcsms/runtime';
import { stageStationPassword } from './station-password.stage';

async function main(): Promise<void> {
  const { positionals, values } = parseArgs({ allowPositionals: true, options: { profile: { type: 'string', default: '1' } } });
  const stationId = positionals[0];
  const profile = Number(values.profile);
  if (!stationId || positionals.length !== 1 || (profile !== 1 && profile !== 2)) {
    throw new Error('usage: set-station-password.cli.ts STATION_ID [--profile 1|2] < password-file');
  }
  const password = readFileSync(0, 'utf8').trim();
  const logger = createLogger({ level: 'warn' });
  const database = await databaseFromEnv(process.env, logger, 'evcsms-set-station-password');
  try {
    await stageStationPassword(database.dataSource, stationId, password, profile);
  } finally {
    await database.close();
  }
  process.stdout.write(`${stationId}: password staged for security profile ${profile}; it becomes current when the station connects with it\n`);
}

main().catch((error: unknown) => {
  process.stderr.write(`set-station-password: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});
