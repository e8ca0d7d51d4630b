import { hash, type Options, verify } from '@node-rs/argon2';

/**
 * argon2id parameters. The defaults are OWASP's minimum for argon2id (19 MiB, 2 passes);
 * tests may lower them, production should not.
 */
export interface PasswordHashingOptions {
  /** Memory per hash in KiB. @default 19456 */
  memoryCost?: number;
  /** Passes over the memory. @default 2 */
  timeCost?: number;
  /** Threads per hash. @default 1 */
  parallelism?: number;
}

// `Algorithm` is a const enum that isolatedModules cannot read; 2 is Argon2id.
const ARGON2ID = 2 as Options['algorithm'];

export interface PasswordHasher {
  hash(password: string): Promise<string>;
  /** True when the password matches; false for a wrong password or a malformed hash. */
  verify(passwordHash: string, password: string): Promise<boolean>;
  /**
   * Spends the same time as a real check, for an unknown username, so response times do not
   * tell which usernames exist.
   */
  verifyNothing(password: string): Promise<false>;
}

export function argon2PasswordHasher(options: PasswordHashingOptions = {}): PasswordHasher {
  const argonOptions: Options = {
    algorithm: ARGON2ID,
    memoryCost: options.memoryCost ?? 19456,
    timeCost: options.timeCost ?? 2,
    parallelism: options.parallelism ?? 1,
  };
  let dummyHash: Promise<string> | undefined;
  const check = async (passwordHash: string, password: string): Promise<boolean> => {
    try {
      return await verify(passwordHash, password);
    } catch {
      // A corrupt or foreign hash in the table is a failed login, not a crash.
      return false;
    }
  };
  return {
    hash: (password) => hash(password, argonOptions),
    verify: check,
    async verifyNothing(password) {
      dummyHash ??= hash('ssokit-timing-equaliser', argonOptions);
      await check(await dummyHash, password);
      return false;
    },
  };
}
