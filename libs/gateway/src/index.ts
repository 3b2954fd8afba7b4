export * from './gateway.ports';
export * from './gateway.options';
export { OcppGateway, type GatewayDependencies } from './ocpp-gateway';
export type { OutboundCallResult, OutboundFailure } from './connection/outbound-calls';
export { hashPassword, verifyPassword, DEFAULT_SCRYPT_COST, type ScryptCost } from './auth/password-hash';
export { InMemoryCredentialStore, CachedCredentialStore } from './auth/credential-cache';
export { stationIdFromUrl } from './station-path';
export { negotiateSubprotocol } from './subprotocol';
export { EdgeAuthorizingHandler, idHashOf, type AuthorizeAtEdgeOptions, type EdgeDecisionSink } from './edge-authorization/edge-authorizing.handler';
