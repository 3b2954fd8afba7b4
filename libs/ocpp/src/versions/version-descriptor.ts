import { type SchemaObject } from 'ajv';
import { type RpcErrorKind } from '../rpc/rpc-error-kind';
import { type OcppVersion, type PayloadDirection, type Sender } from './ocpp-version';

/**
 * Everything that differs between OCPP-J versions, in one object. The parser, serializer and
 * validator read only this, so adding OCPP 2.1 means adding a descriptor (its schemas, its
 * error-code spelling, message types 5 and 6) rather than editing the machinery.
 */
export interface OcppVersionDescriptor<Action extends string = string> {
  readonly version: OcppVersion;
  /** The official OCA JSON schemas: one per action and direction. */
  readonly schemas: readonly SchemaObject[];
  /** Reads action and direction from a schema $id (the naming differs between versions). */
  readonly schemaKeyOf: (schemaId: string) => { action: string; direction: PayloadDirection } | undefined;
  /** Message type numbers this version defines; anything else is "unsupported". */
  readonly messageTypes: ReadonlySet<number>;
  /** How each error kind is spelled on the wire. */
  readonly errorCodes: Readonly<Record<RpcErrorKind, string>>;
  /** Other spellings accepted in inbound CALLERRORs (errata, peers that use another version's codes). */
  readonly errorCodeAliases: Readonly<Record<string, RpcErrorKind>>;
  /** Which side may send each action's CALL. */
  readonly senders: Readonly<Record<Action, Sender>>;
  /** Message id for a CALLERROR answering a frame whose id could not be read; null: do not answer. */
  readonly unreadableMessageIdReply: string | null;
  /** Whether a frame with an unknown message type is answered (2.0.1) or ignored (1.6). */
  readonly answersUnsupportedMessageType: boolean;
  /** errorDescription is truncated to this many characters when set. */
  readonly maxErrorDescriptionLength: number | undefined;
}

/** "urn:Authorize.req" / "urn:Authorize.conf", as used by the 1.6 and 2.0.1 schemas. */
export function dottedSchemaKey(schemaId: string): { action: string; direction: PayloadDirection } | undefined {
  const [, action, suffix] = /^urn:([A-Za-z0-9]+)\.(req|conf)$/.exec(schemaId) ?? [];
  if (action === undefined) return undefined;
  return { action, direction: suffix === 'req' ? 'request' : 'response' };
}
