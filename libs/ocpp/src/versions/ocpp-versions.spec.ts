import Ajv from 'ajv';
import { OCPP16_ACTIONS } from '../generated/ocpp16.types';
import { OCPP201_ACTIONS } from '../generated/ocpp201.types';
import { senderOf } from '../validation/action-sender';
import { getValidator } from '../validation/ocpp.validator';
import { isSupportedOcppVersion, SUPPORTED_OCPP_VERSIONS } from './ocpp-version';
import { requireDescriptor } from './version-registry';

const SECURITY_EXTENSION_ACTIONS_16 = [
  'CertificateSigned',
  'DeleteCertificate',
  'ExtendedTriggerMessage',
  'GetInstalledCertificateIds',
  'GetLog',
  'InstallCertificate',
  'LogStatusNotification',
  'SecurityEventNotification',
  'SignCertificate',
  'SignedFirmwareStatusNotification',
  'SignedUpdateFirmware',
];

describe('supported OCPP versions', () => {
  it('are 1.6 and 2.0.1, named like their WebSocket subprotocols', () => {
    expect(SUPPORTED_OCPP_VERSIONS).toEqual(['ocpp1.6', 'ocpp2.0.1']);
    expect(isSupportedOcppVersion('ocpp2.0.1')).toBe(true);
    expect(isSupportedOcppVersion('ocpp2.1')).toBe(false);
    expect(isSupportedOcppVersion(undefined)).toBe(false);
  });

  it('1.6 has 39 actions: the 28 core/feature-profile ones plus the 11 of the security whitepaper', () => {
    const actions = getValidator('ocpp1.6').actions;
    expect(actions).toHaveLength(39);
    expect(actions).toEqual(expect.arrayContaining(SECURITY_EXTENSION_ACTIONS_16));
    expect(actions).toEqual(expect.arrayContaining(['BootNotification', 'StartTransaction', 'RemoteStartTransaction']));
  });

  it('2.0.1 has 64 actions', () => {
    const actions = getValidator('ocpp2.0.1').actions;
    expect(actions).toHaveLength(64);
    expect(actions).toEqual(expect.arrayContaining(['TransactionEvent', 'NotifyReport', 'RequestStartTransaction']));
    expect(actions).not.toContain('StartTransaction');
  });

  it('every action has both a request and a response schema', () => {
    for (const version of SUPPORTED_OCPP_VERSIONS) {
      const { schemas, schemaKeyOf } = requireDescriptor(version);
      const keys = schemas.map((schema) => schemaKeyOf(String(schema.$id)));
      const actions = getValidator(version).actions;
      expect(keys.filter((key) => key?.direction === 'request').map((key) => key?.action).sort()).toEqual(actions);
      expect(keys.filter((key) => key?.direction === 'response').map((key) => key?.action).sort()).toEqual(actions);
    }
  });

  it('every schema is a valid draft-07 schema (the validator skips this check at compile time)', () => {
    const ajv = new Ajv({ strict: false });
    for (const version of SUPPORTED_OCPP_VERSIONS) {
      for (const schema of requireDescriptor(version).schemas) expect([schema.$id, ajv.validateSchema(schema)]).toEqual([schema.$id, true]);
    }
  });

  it('every schema of both versions compiles', () => {
    for (const version of SUPPORTED_OCPP_VERSIONS) {
      expect(() => getValidator(version).precompile()).not.toThrow();
    }
  });

  it('the generated type maps cover exactly the actions the schemas define (regenerate types when this fails)', () => {
    expect([...OCPP16_ACTIONS].sort()).toEqual(getValidator('ocpp1.6').actions);
    expect([...OCPP201_ACTIONS].sort()).toEqual(getValidator('ocpp2.0.1').actions);
  });

  it('knows which side sends each action', () => {
    expect(senderOf('ocpp1.6', 'BootNotification')).toBe('ChargingStation');
    expect(senderOf('ocpp1.6', 'RemoteStartTransaction')).toBe('CSMS');
    expect(senderOf('ocpp1.6', 'DataTransfer')).toBe('Both');
    expect(senderOf('ocpp1.6', 'SignCertificate')).toBe('ChargingStation');
    expect(senderOf('ocpp2.0.1', 'TransactionEvent')).toBe('ChargingStation');
    expect(senderOf('ocpp2.0.1', 'Get15118EVCertificate')).toBe('ChargingStation');
    expect(senderOf('ocpp2.0.1', 'RequestStartTransaction')).toBe('CSMS');
    expect(senderOf('ocpp2.0.1', 'DataTransfer')).toBe('Both');
    expect(senderOf('ocpp2.0.1', 'StartTransaction')).toBeUndefined();
    expect(senderOf('ocpp1.6', 'constructor')).toBeUndefined();
    expect(senderOf('ocpp1.6', '__proto__')).toBeUndefined();
  });

  it('the sender table lists every action and nothing else', () => {
    for (const version of SUPPORTED_OCPP_VERSIONS) {
      expect(Object.keys(requireDescriptor(version).senders).sort()).toEqual(getValidator(version).actions);
    }
  });

  it('in 2.0.1 stations send 24 actions, the CSMS 39, and DataTransfer goes both ways', () => {
    const counts = { ChargingStation: 0, CSMS: 0, Both: 0 };
    for (const action of getValidator('ocpp2.0.1').actions) counts[senderOf('ocpp2.0.1', action) ?? 'Both']++;
    expect(counts).toEqual({ ChargingStation: 24, CSMS: 39, Both: 1 });
  });
});
