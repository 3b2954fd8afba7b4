import type { InboundCall, InboundCallOutcome, StationCallHandler } from '@evcsms/gateway';

export type ActionHandler = (call: InboundCall) => Promise<InboundCallOutcome>;

/**
 * The embedded mode's handler port: station CALLs go straight to the module that owns the
 * action, in process. Actions no module has claimed yet are answered NotSupported, which a
 * charger treats as "this CSMS does not do that" rather than as a fault.
 */
export class StationCallDispatcher implements StationCallHandler {
  private readonly handlers = new Map<string, ActionHandler>();

  register(action: string, handler: ActionHandler): void {
    if (this.handlers.has(action)) throw new Error(`a handler for ${action} is already registered`);
    this.handlers.set(action, handler);
  }

  handle(call: InboundCall): Promise<InboundCallOutcome> {
    const handler = this.handlers.get(call.action);
    if (!handler) {
      return Promise.resolve({ error: { kind: 'NotSupported', description: `${call.action} is not handled by this CSMS yet` } });
    }
    return handler(call);
  }
}
