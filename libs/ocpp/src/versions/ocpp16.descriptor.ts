import ocpp16Schemas from 'ocpp-rpc/lib/schemas/ocpp1_6.json';
import { type Ocpp16Action } from '../generated/ocpp16.types';
import { dottedSchemaKey, type OcppVersionDescriptor } from './version-descriptor';

/**
 * OCPP 1.6J plus the 1.6 security whitepaper actions (39 actions).
 *
 * Error codes are spelled as in the OCPP-J 1.6 specification, typos included
 * ("FormationViolation", "OccurenceConstraintViolation"): that is what deployed 1.6 peers match on.
 * 1.6 has no code for two 2.0.1 kinds:
 * - RpcFrameworkError (the frame is not a valid RPC message) -> FormationViolation, whose 1.6
 *   definition "syntactically incorrect or not conform the PDU structure" contains it;
 * - MessageTypeNotSupported -> GenericError ("any other error not covered by the previous ones").
 *   1.6 says a receiver SHALL ignore unknown message types, so this code is normally never sent.
 */
export const OCPP16_DESCRIPTOR: OcppVersionDescriptor<Ocpp16Action> = {
  version: 'ocpp1.6',
  schemas: ocpp16Schemas,
  schemaKeyOf: dottedSchemaKey,
  messageTypes: new Set([2, 3, 4]),
  errorCodes: {
    FormatViolation: 'FormationViolation',
    GenericError: 'GenericError',
    InternalError: 'InternalError',
    MessageTypeNotSupported: 'GenericError',
    NotImplemented: 'NotImplemented',
    NotSupported: 'NotSupported',
    OccurrenceConstraintViolation: 'OccurenceConstraintViolation',
    PropertyConstraintViolation: 'PropertyConstraintViolation',
    ProtocolError: 'ProtocolError',
    RpcFrameworkError: 'FormationViolation',
    SecurityError: 'SecurityError',
    TypeConstraintViolation: 'TypeConstraintViolation',
  },
  // The 1.6J errata and several libraries send the corrected spellings.
  errorCodeAliases: {
    FormatViolation: 'FormatViolation',
    OccurrenceConstraintViolation: 'OccurrenceConstraintViolation',
  },
  senders: {
    Authorize: 'ChargingStation',
    BootNotification: 'ChargingStation',
    CancelReservation: 'CSMS',
    CertificateSigned: 'CSMS',
    ChangeAvailability: 'CSMS',
    ChangeConfiguration: 'CSMS',
    ClearCache: 'CSMS',
    ClearChargingProfile: 'CSMS',
    DataTransfer: 'Both',
    DeleteCertificate: 'CSMS',
    DiagnosticsStatusNotification: 'ChargingStation',
    ExtendedTriggerMessage: 'CSMS',
    FirmwareStatusNotification: 'ChargingStation',
    GetCompositeSchedule: 'CSMS',
    GetConfiguration: 'CSMS',
    GetDiagnostics: 'CSMS',
    GetInstalledCertificateIds: 'CSMS',
    GetLocalListVersion: 'CSMS',
    GetLog: 'CSMS',
    Heartbeat: 'ChargingStation',
    InstallCertificate: 'CSMS',
    LogStatusNotification: 'ChargingStation',
    MeterValues: 'ChargingStation',
    RemoteStartTransaction: 'CSMS',
    RemoteStopTransaction: 'CSMS',
    ReserveNow: 'CSMS',
    Reset: 'CSMS',
    SecurityEventNotification: 'ChargingStation',
    SendLocalList: 'CSMS',
    SetChargingProfile: 'CSMS',
    SignCertificate: 'ChargingStation',
    SignedFirmwareStatusNotification: 'ChargingStation',
    SignedUpdateFirmware: 'CSMS',
    StartTransaction: 'ChargingStation',
    StatusNotification: 'ChargingStation',
    StopTransaction: 'ChargingStation',
    TriggerMessage: 'CSMS',
    UnlockConnector: 'CSMS',
    UpdateFirmware: 'CSMS',
  },
  unreadableMessageIdReply: null,
  answersUnsupportedMessageType: false,
  maxErrorDescriptionLength: undefined,
};
