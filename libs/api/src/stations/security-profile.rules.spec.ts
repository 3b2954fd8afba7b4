import { changeProfile, provisioningProblem } from './security-profile.rules';

const at = (securityProfile: 0 | 1 | 2 | 3, hasPassword = true) => ({ securityProfile, pendingSecurityProfile: null, hasPassword });
const options = { allowProfile0: false, passwordGiven: false };

describe('security profile rules', () => {
  it('makes an upgrade pending and keeps the reached profile as the floor', () => {
    expect(changeProfile(at(1), 2, options)).toEqual({ ok: true, securityProfile: 1, pendingSecurityProfile: 2 });
    expect(changeProfile(at(2), 3, options)).toEqual({ ok: true, securityProfile: 2, pendingSecurityProfile: 3 });
  });

  it('refuses a downgrade below the reached profile with 409', () => {
    expect(changeProfile(at(2), 1, options)).toMatchObject({ ok: false, status: 409, detail: expect.stringContaining('downgrade refused') });
    expect(changeProfile(at(3), 2, options)).toMatchObject({ ok: false, status: 409 });
  });

  it('cancels a pending upgrade when the reached profile is asked for again', () => {
    expect(changeProfile({ securityProfile: 1, pendingSecurityProfile: 2, hasPassword: true }, 1, options)).toEqual({ ok: true, securityProfile: 1, pendingSecurityProfile: null });
  });

  it('needs a password to go from a profile without one to Basic auth', () => {
    expect(changeProfile(at(0, false), 1, { allowProfile0: true, passwordGiven: false })).toMatchObject({ ok: false, status: 400 });
    expect(changeProfile(at(0, false), 1, { allowProfile0: true, passwordGiven: true })).toEqual({ ok: true, securityProfile: 0, pendingSecurityProfile: 1 });
  });

  it('refuses profile 0 where the deployment does not allow it', () => {
    expect(changeProfile(at(0, false), 0, options)).toMatchObject({ ok: false, status: 400 });
  });

  it('asks new stations for a password exactly for profiles 1 and 2', () => {
    expect(provisioningProblem(1, undefined, false)).toEqual({ path: '/password', message: 'is required for security profile 1' });
    expect(provisioningProblem(2, 'x'.repeat(16), false)).toBeUndefined();
    expect(provisioningProblem(3, 'x'.repeat(16), false)).toEqual({ path: '/password', message: 'does not apply to security profile 3' });
    expect(provisioningProblem(3, undefined, false)).toBeUndefined();
    expect(provisioningProblem(0, undefined, false)).toMatchObject({ path: '/securityProfile' });
    expect(provisioningProblem(0, undefined, true)).toBeUndefined();
  });
});
