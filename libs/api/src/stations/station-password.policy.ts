import { randomBytes } from 'node:crypto';

/**
 * Station passwords as OCPP defines them: 2.0.1 SecurityCtrlr.BasicAuthPassword is a
 * passwordString of 16-40 characters (alphanumerics and *-_=:+|@.); 1.6 AuthorizationKey is
 * at least 16 bytes, written as up to 40 hexadecimal digits. Generated passwords are 40 hex
 * digits (160 bits), which both versions accept.
 */
export const PASSWORD_MIN_LENGTH = 16;
export const PASSWORD_MAX_LENGTH = 40;
const PASSWORD_CHARACTERS = /^[A-Za-z0-9*\-_=:+|@.]*$/;

/** Why a password is unacceptable, or undefined when it is fine. */
export function passwordProblem(password: string): string | undefined {
  if (password.length < PASSWORD_MIN_LENGTH || password.length > PASSWORD_MAX_LENGTH) {
    return `must be ${PASSWORD_MIN_LENGTH}-${PASSWORD_MAX_LENGTH} characters (OCPP passwordString), got ${password.length}`;
  }
  if (!PASSWORD_CHARACTERS.test(password)) return 'may contain only letters, digits and *-_=:+|@. (OCPP passwordString)';
  return undefined;
}

export function generatePassword(): string {
  return randomBytes(PASSWORD_MAX_LENGTH / 2).toString('hex');
}
