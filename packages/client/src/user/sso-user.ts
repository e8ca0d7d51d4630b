import { SsoError } from '@ssokit/protocol';

/** The provider's user id: an integer for dj-sso-server (Django's primary key). */
export type SsoUserId = number | string;

/** The original's `SSOUser.username` column was `CharField(unique=True, max_length=50)`. */
export const MAX_USERNAME_LENGTH = 50;
/** Ids longer than this are refused so they fit a SQL key column on every dialect. */
export const MAX_USER_ID_LENGTH = 64;

/** A user as stored and as kept in a session: the two real fields and everything else. */
export interface SsoUserRecord {
  id: SsoUserId;
  username: string;
  /** Every other attribute the provider sent (email, first_name, groups, ...). */
  extras: Record<string, unknown>;
}

type ReservedField = 'id' | 'username' | 'extras';

/**
 * The signed-in user. `id` and `username` are real fields; the provider's other attributes are
 * in `extras` and also readable as fields (`user.email`), as with the original `SSOUser`.
 * Declare the attributes your provider sends to type them:
 * `createSsoClient<{ email: string; first_name: string }>(...)`.
 * The object is deeply frozen: one instance may be shared by concurrent requests.
 */
export type SsoUser<Extras extends object = Record<string, unknown>> = {
  readonly id: SsoUserId;
  readonly username: string;
  readonly extras: Readonly<Extras>;
} & Readonly<Omit<Extras, ReservedField>>;

/**
 * Augment this to type `req.user` in framework adapters for the whole app:
 * `declare module 'ssokit' { interface SsoRegister { extras: { email: string } } }`.
 */
export interface SsoRegister {}

/** The extras type declared through {@link SsoRegister}, or an open record. */
export type RegisteredExtras = SsoRegister extends { extras: infer Extras extends object }
  ? Extras
  : Record<string, unknown>;

function badUser(message: string): SsoError {
  return new SsoError('PROVIDER_BAD_RESPONSE', `the provider sent an unusable user: ${message}`);
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * Checks the provider's user JSON (`{"id": 1, "username": "user1", "email": ...}`) and splits
 * it into the two real fields and the extras. Throws a 502 `SsoError` naming what is wrong.
 */
export function userRecordFromProvider(json: unknown): SsoUserRecord {
  if (!isPlainObject(json)) throw badUser('not a JSON object');
  const { id, username, ...extras } = json;
  if (!(typeof id === 'number' && Number.isSafeInteger(id)) && !(typeof id === 'string' && id !== '')) {
    throw badUser('id must be an integer or a non-empty string');
  }
  if (String(id).length > MAX_USER_ID_LENGTH)
    throw badUser(`id is longer than ${MAX_USER_ID_LENGTH} characters`);
  if (typeof username !== 'string' || username === '') throw badUser('username must be a non-empty string');
  if (username.length > MAX_USERNAME_LENGTH) {
    throw badUser(`username is longer than ${MAX_USERNAME_LENGTH} characters`);
  }
  return { id, username, extras };
}

function deepFreeze<T>(value: T): T {
  if (typeof value === 'object' && value !== null && !Object.isFrozen(value)) {
    for (const child of Object.values(value)) deepFreeze(child);
    Object.freeze(value);
  }
  return value;
}

/**
 * Builds the user object once (at login, or when a session is first read) as a plain frozen
 * object with the extras copied onto it: field reads cost nothing, unlike a Proxy.
 */
export function toSsoUser<Extras extends object = Record<string, unknown>>(
  record: SsoUserRecord,
): SsoUser<Extras> {
  const extras = deepFreeze({ ...record.extras });
  const user: Record<string, unknown> = {};
  for (const [name, value] of Object.entries(extras)) {
    // defineProperty, not assignment: an extra named "__proto__" stays a plain field.
    if (name !== 'id' && name !== 'username' && name !== 'extras') {
      Object.defineProperty(user, name, { value, enumerable: true });
    }
  }
  user.id = record.id;
  user.username = record.username;
  user.extras = extras;
  return Object.freeze(user) as SsoUser<Extras>;
}

/** The record behind a user object, for storing it. */
export function toUserRecord(user: SsoUser<object>): SsoUserRecord {
  return { id: user.id, username: user.username, extras: { ...(user.extras as Record<string, unknown>) } };
}
