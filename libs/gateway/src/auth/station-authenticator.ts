import type { UpgradeRequest } from '@evcsms/ws-engine';
import type { CredentialConfirmation, SecurityProfile, StationCredential, StationCredentialStore } from '../gateway.ports';
import type { UnknownStationPolicy } from '../gateway.options';
import { VerifiedPasswordCache } from './password-hash';

export interface AuthenticatorOptions {
  readonly unknownStations: UnknownStationPolicy;
  readonly allowSecurityProfile0: boolean;
  readonly clientCertHeader: string;
  readonly trustedProxies: readonly string[];
  readonly verifiedPasswordTtlMs: number;
}

export type AuthOutcome =
  | {
      readonly ok: true;
      readonly securityProfile: SecurityProfile;
      readonly credential?: StationCredential;
      readonly registeredOnTheFly: boolean;
      /** The station used its pending password and/or profile: the caller makes them current. */
      readonly confirm?: CredentialConfirmation;
    }
  | { readonly ok: false; readonly status: 401 | 403; readonly reason: string; readonly detail: string };

const CHALLENGE = { status: 401 as const, reason: 'Unauthorized' };

/**
 * Security profiles (OCPP 2.0.1 part 2 A00, 1.6 security whitepaper):
 * 0 none (only when configured), 1 HTTP Basic, 2 HTTP Basic over TLS, 3 TLS client certificate.
 * The station's stored profile is a floor: a profile-2 station may not come in over plain ws.
 * A pending upgrade is tried first and the floor second, so a station keeps connecting while it
 * is being reconfigured; a pending (rotated) password works beside the current one. Whichever
 * pending value the station uses is reported back in `confirm`, to become the current one.
 */
export class StationAuthenticator {
  private readonly passwords: VerifiedPasswordCache;

  constructor(
    private readonly credentials: StationCredentialStore,
    private readonly options: AuthenticatorOptions,
  ) {
    this.passwords = new VerifiedPasswordCache(options.verifiedPasswordTtlMs);
  }

  async authenticate(stationId: string, request: UpgradeRequest): Promise<AuthOutcome> {
    const credential = await this.credentials.find(stationId);
    if (!credential) return this.unknownStation();
    if (credential.deleted) return { ok: false, ...CHALLENGE, detail: 'station was deleted' };
    const pending = credential.pendingSecurityProfile;
    if (pending !== undefined && pending > credential.securityProfile) {
      const upgraded = await this.withProfile(stationId, request, credential, pending);
      if (upgraded.ok) return { ...upgraded, confirm: { ...upgraded.confirm, securityProfile: pending } };
    }
    return this.withProfile(stationId, request, credential, credential.securityProfile);
  }

  private async withProfile(stationId: string, request: UpgradeRequest, credential: StationCredential, profile: SecurityProfile): Promise<AuthOutcome> {
    switch (profile) {
      case 0:
        return this.options.allowSecurityProfile0
          ? { ok: true, securityProfile: 0, credential, registeredOnTheFly: false }
          : { ok: false, ...CHALLENGE, detail: 'security profile 0 is disabled on this gateway' };
      case 1:
        return this.basic(stationId, request, credential, 1);
      case 2:
        if (!this.isSecure(request)) return { ok: false, status: 403, reason: 'Forbidden', detail: 'security profile 2 requires TLS (no downgrade)' };
        return this.basic(stationId, request, credential, 2);
      case 3:
        return this.clientCertificate(stationId, request, credential);
    }
  }

  private unknownStation(): AuthOutcome {
    if (this.options.unknownStations === 'accept' && this.options.allowSecurityProfile0) {
      return { ok: true, securityProfile: 0, registeredOnTheFly: true };
    }
    return { ok: false, ...CHALLENGE, detail: 'unknown station' };
  }

  private async basic(stationId: string, request: UpgradeRequest, credential: StationCredential, profile: 1 | 2): Promise<AuthOutcome> {
    const presented = parseBasicAuthorization(request.headers['authorization']);
    if (!presented) return { ok: false, ...CHALLENGE, detail: 'missing or malformed Basic authorization' };
    if (presented.username !== stationId) return { ok: false, ...CHALLENGE, detail: 'Basic username is not the station id' };
    if (!credential.passwordHash && !credential.pendingPasswordHash) return { ok: false, ...CHALLENGE, detail: 'station has no password configured' };
    if (credential.passwordHash && (await this.passwords.verify(stationId, presented.password, credential.passwordHash))) {
      return { ok: true, securityProfile: profile, credential, registeredOnTheFly: false };
    }
    if (credential.pendingPasswordHash && (await this.passwords.verify(stationId, presented.password, credential.pendingPasswordHash))) {
      return { ok: true, securityProfile: profile, credential, registeredOnTheFly: false, confirm: { passwordHash: credential.pendingPasswordHash } };
    }
    return { ok: false, ...CHALLENGE, detail: 'wrong password' };
  }

  private clientCertificate(stationId: string, request: UpgradeRequest, credential: StationCredential): AuthOutcome {
    const certificate = request.clientCertificate;
    if (certificate) {
      if (!certificate.authorized) return { ok: false, status: 403, reason: 'Forbidden', detail: 'client certificate not issued by a trusted CA' };
      if (certificate.commonName !== stationId) return { ok: false, status: 403, reason: 'Forbidden', detail: 'client certificate CN is not the station id' };
      return { ok: true, securityProfile: 3, credential, registeredOnTheFly: false };
    }
    // Behind a TLS-terminating proxy the proxy verified the certificate and passes its CN on.
    const forwarded = request.headers[this.options.clientCertHeader];
    if (forwarded !== undefined) {
      if (!this.fromTrustedProxy(request)) return { ok: false, status: 403, reason: 'Forbidden', detail: 'client certificate header from an untrusted address' };
      if (forwarded !== stationId) return { ok: false, status: 403, reason: 'Forbidden', detail: 'forwarded client certificate CN is not the station id' };
      return { ok: true, securityProfile: 3, credential, registeredOnTheFly: false };
    }
    return { ok: false, status: 403, reason: 'Forbidden', detail: 'security profile 3 requires a client certificate (no downgrade)' };
  }

  private isSecure(request: UpgradeRequest): boolean {
    return request.secure || (this.fromTrustedProxy(request) && request.headers['x-forwarded-proto'] === 'https');
  }

  private fromTrustedProxy(request: UpgradeRequest): boolean {
    return this.options.trustedProxies.includes(request.remoteAddress);
  }
}

export function parseBasicAuthorization(header: string | undefined): { username: string; password: string } | undefined {
  if (!header) return undefined;
  const match = /^Basic\s+([A-Za-z0-9+/=]+)\s*$/i.exec(header);
  if (!match) return undefined;
  const decoded = Buffer.from(match[1]!, 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  if (colon < 0) return undefined;
  return { username: decoded.slice(0, colon), password: decoded.slice(colon + 1) };
}
