import { generatePassword, passwordProblem } from './station-password.policy';

describe('station password policy', () => {
  it.each(['0123456789abcdef', 'A'.repeat(40), 'Abc*-_=:+|@.0123456'])('accepts %s', (password) => {
    expect(passwordProblem(password)).toBeUndefined();
  });

  it.each([
    ['15 characters', 'x'.repeat(15), /16-40 characters/],
    ['41 characters', 'x'.repeat(41), /16-40 characters/],
    ['a space', 'abcdefgh ijklmnopq', /only letters, digits/],
    ['a non-ASCII letter', 'pässwordpassword1', /only letters, digits/],
  ])('refuses %s', (_what, password, message) => {
    expect(passwordProblem(password)).toMatch(message);
  });

  it('generates 40 hex digits, valid for 1.6 AuthorizationKey and 2.0.1 BasicAuthPassword, different each time', () => {
    const a = generatePassword();
    expect(a).toMatch(/^[0-9a-f]{40}$/);
    expect(passwordProblem(a)).toBeUndefined();
    expect(generatePassword()).not.toBe(a);
  });
});
