/** OCPP security profiles: 0 none, 1 Basic over ws, 2 Basic over TLS, 3 TLS client certificate. */
export type SecurityProfile = 0 | 1 | 2 | 3;

export const usesPassword = (profile: SecurityProfile): boolean => profile === 1 || profile === 2;

export interface ProfileState {
  /** The profile the station has reached: the floor it may never go below. */
  readonly securityProfile: SecurityProfile;
  readonly pendingSecurityProfile: SecurityProfile | null;
  readonly hasPassword: boolean;
}

export type ProfileDecision =
  | { readonly ok: true; readonly securityProfile: SecurityProfile; readonly pendingSecurityProfile: SecurityProfile | null }
  | { readonly ok: false; readonly status: 400 | 409; readonly detail: string };

/**
 * A requested profile change. Upgrades are only pending until the station connects with the new
 * profile (it may still connect with the old one until then); downgrades below the reached
 * profile are refused; asking for the reached profile again cancels a pending upgrade.
 */
export function changeProfile(state: ProfileState, requested: SecurityProfile, options: { allowProfile0: boolean; passwordGiven: boolean }): ProfileDecision {
  if (requested === 0 && !options.allowProfile0) return { ok: false, status: 400, detail: 'security profile 0 is not allowed in this deployment' };
  if (requested < state.securityProfile) {
    return { ok: false, status: 409, detail: `security profile downgrade refused: the station has reached profile ${state.securityProfile}` };
  }
  if (usesPassword(requested) && !state.hasPassword && !options.passwordGiven) {
    return { ok: false, status: 400, detail: `security profile ${requested} needs a password: send "password" with the change` };
  }
  if (requested === state.securityProfile) return { ok: true, securityProfile: state.securityProfile, pendingSecurityProfile: null };
  return { ok: true, securityProfile: state.securityProfile, pendingSecurityProfile: requested };
}

/** What a new station must bring for its profile: a password for 1 and 2, none for 0 and 3. */
export function provisioningProblem(profile: SecurityProfile, password: string | undefined, allowProfile0: boolean): { path: string; message: string } | undefined {
  if (profile === 0 && !allowProfile0) return { path: '/securityProfile', message: 'security profile 0 is not allowed in this deployment' };
  if (usesPassword(profile) && password === undefined) return { path: '/password', message: `is required for security profile ${profile}` };
  if (!usesPassword(profile) && password !== undefined) return { path: '/password', message: `does not apply to security profile ${profile}` };
  return undefined;
}
