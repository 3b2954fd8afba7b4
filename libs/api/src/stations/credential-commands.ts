import type { OcppVersion } from '@evcsms/ocpp';

/**
 * The OCPP command that sets a station's Basic auth password: 1.6 ChangeConfiguration of
 * AuthorizationKey (security whitepaper), 2.0.1 SetVariables of SecurityCtrlr.BasicAuthPassword.
 */
export function setPasswordCommand(protocol: OcppVersion, password: string): { action: string; payload: Record<string, unknown> } {
  return protocol === 'ocpp1.6'
    ? { action: 'ChangeConfiguration', payload: { key: 'AuthorizationKey', value: password } }
    : {
        action: 'SetVariables',
        payload: { setVariableData: [{ attributeType: 'Actual', attributeValue: password, component: { name: 'SecurityCtrlr' }, variable: { name: 'BasicAuthPassword' } }] },
      };
}

/** The station's status for the password it was sent; RebootRequired counts as taken. */
export function passwordAnswerStatus(protocol: OcppVersion, answer: Record<string, unknown>): { accepted: boolean; status: string } {
  const status =
    protocol === 'ocpp1.6'
      ? answer['status']
      : (answer['setVariableResult'] as Array<{ attributeStatus?: unknown }> | undefined)?.[0]?.attributeStatus;
  const text = typeof status === 'string' ? status : 'no status';
  return { accepted: text === 'Accepted' || text === 'RebootRequired', status: text };
}

const HIDDEN = '[hidden]';

/** A queued command as the API shows it: a password it carries is hidden. */
export function withoutSecrets(action: string, payload: Record<string, unknown>): Record<string, unknown> {
  if (action === 'ChangeConfiguration' && payload['key'] === 'AuthorizationKey') return { ...payload, value: HIDDEN };
  if (action === 'SetVariables' && Array.isArray(payload['setVariableData'])) {
    return {
      ...payload,
      setVariableData: (payload['setVariableData'] as Array<Record<string, unknown>>).map((entry) =>
        (entry['variable'] as { name?: unknown } | undefined)?.name === 'BasicAuthPassword' ? { ...entry, attributeValue: HIDDEN } : entry,
      ),
    };
  }
  return payload;
}
