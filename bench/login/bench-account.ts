import { hash, type Options, verify } from '@node-rs/argon2';

/** The account every login benchmark signs in as, on both ssokit and the OIDC baseline. */
export const benchAccount = {
  username: 'bench-user',
  password: 'bench-password-0123456789',
  email: 'bench-user@example.com',
  firstName: 'Bench',
  lastName: 'User',
} as const;

/**
 * argon2id with the parameters ssokit's provider uses by default (OWASP's minimum: 19 MiB,
 * 2 passes, 1 lane), so both sides of a password-login comparison pay the same hash.
 */
export const benchArgon2Options: Options = {
  // `Algorithm` is a const enum that isolatedModules cannot read; 2 is Argon2id.
  algorithm: 2 as Options['algorithm'],
  memoryCost: 19456,
  timeCost: 2,
  parallelism: 1,
};

export function hashBenchPassword(password: string = benchAccount.password): Promise<string> {
  return hash(password, benchArgon2Options);
}

export function verifyBenchPassword(passwordHash: string, password: string): Promise<boolean> {
  return verify(passwordHash, password);
}
