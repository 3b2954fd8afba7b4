// Pure OCPP-J protocol library: versions, framing, error codes, schema validation, leniency,
// generated payload types. No framework, no I/O.

export { type OcppVersion, type PayloadDirection, type Sender, SUPPORTED_OCPP_VERSIONS, isSupportedOcppVersion } from './versions/ocpp-version';
export { type OcppVersionDescriptor } from './versions/version-descriptor';
export { descriptorOf } from './versions/version-registry';

export {
  type CallErrorFrame,
  type CallFrame,
  type CallResultFrame,
  type Frame,
  MAX_MESSAGE_ID_LENGTH,
  MessageType,
  type MessageTypeNumber,
} from './rpc/frame.types';
export { RPC_ERROR_KINDS, type RpcErrorKind } from './rpc/rpc-error-kind';
export { ocppErrorCode, ocppErrorKind } from './rpc/rpc-error-code';
export { callErrorReplyId, type FrameFailure, type FrameFailureReason, parseFrame, type ParseResult } from './rpc/frame.parser';
export { serializeCall, serializeCallError, serializeCallResult } from './rpc/frame.serializer';

export { getValidator, OcppValidator, type ValidationResult } from './validation/ocpp.validator';
export { KIND_BY_RULE, type SchemaViolation } from './validation/schema-error.mapper';
export { senderOf } from './validation/action-sender';
export { validateCall, type ValidateCallOptions } from './validation/validate-call';
export { findUnstorableText, mayCarryUnstorableText, unstorableTextDescription } from './validation/storable-text';

export {
  findLeniencyProfile,
  type LeniencyProfile,
  type RelaxableCheck,
  type Relaxation,
  type RelaxationRule,
} from './leniency/leniency-profile';

export { OCPP_EXAMPLE_FRAMES } from './examples/ocpp-example-frames';

export * as Ocpp16 from './generated/ocpp16.types';
export * as Ocpp201 from './generated/ocpp201.types';
export { OCPP16_ACTIONS, type Ocpp16Action, type Ocpp16RequestMap, type Ocpp16ResponseMap } from './generated/ocpp16.types';
export { OCPP201_ACTIONS, type Ocpp201Action, type Ocpp201RequestMap, type Ocpp201ResponseMap } from './generated/ocpp201.types';
