import type { InboundCallOutcome } from '../rpc/ocpp-connection';
import type { SimulatedStation } from '../station/simulated-station';
import { ocpp16Handlers } from './ocpp16.commands';
import { ocpp201Handlers } from './ocpp201.commands';

/** How a station answers one CSMS action. An action without a handler is answered NotSupported. */
export type CommandHandler = (payload: Record<string, unknown>) => InboundCallOutcome | Promise<InboundCallOutcome>;
export type CommandHandlers = Readonly<Record<string, CommandHandler>>;

export function handlersFor(station: SimulatedStation): CommandHandlers {
  return station.protocol === 'ocpp1.6' ? ocpp16Handlers(station) : ocpp201Handlers(station);
}

export const answer = (response: Record<string, unknown>, after?: () => void): InboundCallOutcome => (after ? { response, after } : { response });
