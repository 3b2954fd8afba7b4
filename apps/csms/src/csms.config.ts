import { readFileSync } from 'node:fs';
import { envInt, envOptional, envString, type Env } from '@evcsms/config';
import { gatewayOptionsFromEnv, type GatewayOptions } from '@evcsms/gateway';
import { logLevelFromEnv, type LogLevel } from '@evcsms/logging';

export interface CsmsConfig {
  readonly gateway: GatewayOptions;
  readonly httpHost: string;
  readonly httpPort: number;
  readonly dataDir: string;
  /** ADMIN_API_KEY; unset, the launcher uses the key kept under DATA_DIR (admin-key.store.ts). */
  readonly adminApiKey: string | undefined;
  readonly wsEngine: string | undefined;
  readonly logLevel: LogLevel;
  readonly heartbeatIntervalSec: number;
  readonly registryLeaseMs: number;
  readonly replyTimeoutMs: number;
}

/**
 * Embedded defaults (ARCHITECTURE.md): unknown stations are accepted without a password, with a
 * warning; without ADMIN_API_KEY an admin key is generated once and kept under DATA_DIR.
 */
export function csmsConfigFromEnv(env: Env): CsmsConfig {
  const embeddedDefaults: Env = {
    OCPP_UNKNOWN_STATIONS: 'accept',
    OCPP_ALLOW_PROFILE_0: 'true',
    POD_NAME: 'csms-embedded',
    ...env,
  };
  return {
    gateway: gatewayOptionsFromEnv(embeddedDefaults, (path) => readFileSync(path, 'utf8')),
    httpHost: envString(env, 'HTTP_HOST', '0.0.0.0'),
    httpPort: envInt(env, 'HTTP_PORT', 8080, { min: 0, max: 65535 }),
    dataDir: envString(env, 'DATA_DIR', './data'),
    adminApiKey: envOptional(env, 'ADMIN_API_KEY'),
    wsEngine: env['WS_ENGINE'],
    logLevel: logLevelFromEnv(env['LOG_LEVEL']),
    heartbeatIntervalSec: envInt(env, 'HEARTBEAT_INTERVAL_SEC', 300, { min: 1 }),
    registryLeaseMs: envInt(env, 'REGISTRY_LEASE_MS', 15_000, { min: 100 }),
    replyTimeoutMs: envInt(env, 'OCPP_REPLY_TIMEOUT_MS', 10_000, { min: 100 }),
  };
}
