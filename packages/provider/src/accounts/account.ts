/** A provider account: the fields of Django's default user, minus the password and permissions. */
export interface Account {
  id: number;
  username: string;
  firstName: string;
  lastName: string;
  email: string;
  isStaff: boolean;
  isActive: boolean;
  isSuperuser: boolean;
  /** null until the first login. */
  lastLogin: Date | null;
  dateJoined: Date;
  /** Group ids (or names), sent to clients as the original's `groups` list. */
  groups: ReadonlyArray<number | string>;
  /**
   * A digest of the current password hash (never the hash itself): the provider's sessions
   * carry it and end when it changes (Django's session auth hash).
   */
  sessionAuthHash: string;
}

/** What `addAccount` takes; everything but the username and password has a default. */
export interface NewAccount {
  username: string;
  password: string;
  /** @default '' */
  firstName?: string;
  /** @default '' */
  lastName?: string;
  /** @default '' */
  email?: string;
  /** @default false */
  isStaff?: boolean;
  /** @default true */
  isActive?: boolean;
  /** @default false */
  isSuperuser?: boolean;
  /** @default [] */
  groups?: ReadonlyArray<number | string>;
}

/** What an administrator may change on an account; absent fields stay as they are. */
export interface AccountChanges {
  firstName?: string;
  lastName?: string;
  email?: string;
  isStaff?: boolean;
  isActive?: boolean;
}

/** Throws a TypeError naming the field when a change cannot be stored (the column widths). */
export function assertValidChanges(changes: AccountChanges): void {
  for (const [field, max] of [
    ['firstName', 150],
    ['lastName', 150],
    ['email', 254],
  ] as const) {
    const value = changes[field];
    if (value !== undefined && value.length > max)
      throw new TypeError(`${field} must be at most ${max} characters`);
  }
  const email = changes.email;
  if (email !== undefined && email !== '' && !/^[^\s@]+@[^\s@]+$/.test(email)) {
    throw new TypeError('email must look like name@example.org (or be empty)');
  }
}

// Django's username validator: letters, digits and @ . + - _, at most 150 characters.
const USERNAME = /^[\p{L}\p{N}_.@+-]{1,150}$/u;
// Long enough for any passphrase, short enough that hashing it cannot be used to burn CPU.
export const MAX_PASSWORD_LENGTH = 1024;

/**
 * The username a login form's input stands for, as Django's `AuthenticationForm` reads it:
 * surrounding whitespace removed (a form field strips it), then Unicode NFKC (Django's
 * `normalize_username`). Usernames are then compared exactly, case and all, on every database.
 */
export function canonicalUsername(input: string): string {
  return input.trim().normalize('NFKC');
}

/** True when an account could have this username (Django's username validator). */
export function isValidUsername(username: string): boolean {
  return USERNAME.test(username);
}

/** Throws a TypeError naming the problem when a username cannot be stored. */
export function assertValidUsername(username: string): void {
  if (!isValidUsername(username)) {
    throw new TypeError(
      'username must be 1-150 characters: letters, digits and @ . + - _ (got ' +
        JSON.stringify(username) +
        ')',
    );
  }
}

/** Throws a TypeError when a password cannot be set; the password itself is never quoted. */
export function assertValidPassword(password: string): void {
  if (password.length === 0) throw new TypeError('password must not be empty');
  if (password.length > MAX_PASSWORD_LENGTH) {
    throw new TypeError(`password must be at most ${MAX_PASSWORD_LENGTH} characters`);
  }
}
