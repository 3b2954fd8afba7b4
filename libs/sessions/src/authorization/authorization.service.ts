import { decideAuthorization, type AuthorizationDecision, type IdTokenRef } from '../domain/authorization';
import type { UnitOfWork } from '../infrastructure/unit-of-work';
import { SessionRepository } from '../transactions/session.repository';
import { EdgeAuthorizationRepository } from './edge-authorization.repository';
import { TokenRepository } from './token.repository';

export interface AuthorizeOptions {
  /**
   * 1.6 StartTransaction only: answer ConcurrentTx when the token has an active session on any
   * connector other than this one (undefined: on any connector at all).
   */
  readonly concurrency?: { readonly except?: { readonly stationId: string; readonly evseId: number; readonly connectorId: number } };
}

/** The authorization rules over the database: one token lookup, and the ConcurrentTx check where asked. */
export async function authorizeToken(uow: UnitOfWork, ref: IdTokenRef, at: Date, options: AuthorizeOptions = {}): Promise<AuthorizationDecision> {
  if (ref.type === 'NoAuthorization') return decideAuthorization(ref, null, at, false);
  const stored = await new TokenRepository(uow.sql).find(ref);
  const firstPass = decideAuthorization(ref, stored, at, false);
  if (firstPass.status !== 'Accepted' || !options.concurrency) return firstPass;
  const elsewhere = await new SessionRepository(uow.sql).isChargingElsewhere(ref.idToken, options.concurrency.except);
  return decideAuthorization(ref, stored, at, elsewhere);
}

/** For a session start: the decision, marked when the gateway accepted this token at this station shortly before. */
export async function withEdgeAcceptance(uow: UnitOfWork, stationId: string, idToken: string, at: Date, decision: AuthorizationDecision): Promise<AuthorizationDecision> {
  const atEdge = await new EdgeAuthorizationRepository(uow.sql).acceptedAtEdge(stationId, idToken, at);
  return atEdge ? { ...decision, acceptedAtEdge: true } : decision;
}
