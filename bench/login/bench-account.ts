import { hash, type Options, verify } from '@node-rs/argon2';

/** One of the accounts the login benchmarks sign in as. */
export interface BenchAccount {
  id: number;
  username: string;
  password: string;
  email: string;
  firstName: string;
  lastName: string;
}

/**
 * How many accounts both providers have: one per simulated browser, so 16 logins at once are
 * 16 people (a provider may rightly limit parallel sign-ins into one account).
 */
export const BENCH_ACCOUNT_COUNT = 16;

/** The password every bench account has (the hash is the same work either way). */
export const BENCH_PASSWORD = 'bench-password-0123456789';

/** Account `index` (0-based), the same on ssokit and the OIDC baseline. */
export function benchAccount(index: number): BenchAccount {
  return {
    id: index + 1,
    username: `bench-user-${index}`,
    password: BENCH_PASSWORD,
    email: `bench-user-${index}@example.com`,
    firstName: 'Bench',
    lastName: `User ${index}`,
  };
}

export const benchAccounts: readonly BenchAccount[] = Array.from({ length: BENCH_ACCOUNT_COUNT }, (_, i) =>
  benchAccount(i),
);

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

export function hashBenchPassword(password: string = BENCH_PASSWORD): Promise<string> {
  return hash(password, benchArgon2Options);
}

export function verifyBenchPassword(passwordHash: string, password: string): Promise<boolean> {
  return verify(passwordHash, password);
}
