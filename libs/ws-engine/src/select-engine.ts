import type * as Uws from 'uWebSockets.js';
import { NodeWsEngine } from './node-ws.engine';
import { UwsEngine } from './uws.engine';
import type { EngineName, WebSocketEngine } from './websocket-engine';

export interface EngineSelection {
  readonly engine: WebSocketEngine;
  /** Why this engine: logged at start-up so an operator knows which one runs. */
  readonly reason: string;
}

/** Loads the uWS binary if it can; its JS fallback cannot do async upgrades, so it is refused. */
export function loadUws(): { uws: typeof Uws } | { error: string } {
  if (/^(1|true)$/i.test(process.env['UWS_USE_FALLBACK'] ?? '')) {
    return { error: 'UWS_USE_FALLBACK is set and the uWS JS fallback does not support custom upgrade handlers' };
  }
  try {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const uws = require('uWebSockets.js') as typeof Uws;
    if (typeof uws.App !== 'function') return { error: 'uWebSockets.js loaded without App()' };
    return { uws };
  } catch (error) {
    return { error: error instanceof Error ? error.message.split('\n')[0]! : String(error) };
  }
}

/** `preferred` comes from WS_ENGINE; unset means uWS when its binary loads, else ws. */
export function selectEngine(preferred?: string): EngineSelection {
  const wanted = (preferred ?? '').trim().toLowerCase() as EngineName | '';
  if (wanted !== '' && wanted !== 'uws' && wanted !== 'ws') {
    throw new Error(`WS_ENGINE must be "uws" or "ws", got "${preferred}"`);
  }
  if (wanted === 'ws') return { engine: new NodeWsEngine(), reason: 'WS_ENGINE=ws' };
  const loaded = loadUws();
  if ('uws' in loaded) return { engine: new UwsEngine(loaded.uws), reason: wanted === 'uws' ? 'WS_ENGINE=uws' : 'uWebSockets.js binary loaded' };
  if (wanted === 'uws') throw new Error(`WS_ENGINE=uws but uWebSockets.js cannot be used: ${loaded.error}`);
  return { engine: new NodeWsEngine(), reason: `uWebSockets.js unavailable (${loaded.error}); using ws` };
}
