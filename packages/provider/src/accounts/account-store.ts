import { runMigrations, type SqlDatabase } from '@ssokit/stores';
import type { Kysely } from 'kysely';
import {
  type Account,
  type AccountChanges,
  assertValidChanges,
  assertValidPassword,
  assertValidUsername,
  isValidUsername,
  MAX_PASSWORD_LENGTH,
  type NewAccount,
} from './account.ts';
import {
  PROVIDER_MIGRATION_TABLE,
  type ProviderSchema,
  providerMigrations,
  USERS_TABLE,
  type UserRow,
} from './account-schema.ts';
import { argon2PasswordHasher, type PasswordHasher } from './password-hashing.ts';
import { sessionAuthHash } from './session-auth-hash.ts';

/** The accounts of a provider, in SQL. */
export interface AccountStore {
  /** Creates or updates the tables. */
  migrate(): Promise<void>;
  /** Adds an account; throws a TypeError for a bad username/password or a taken username. */
  add(input: NewAccount): Promise<Account>;
  /**
   * The account with exactly this username (case-sensitive, as Django's, on every database:
   * `MBF1` is not `mbf1`).
   */
  findByUsername(username: string): Promise<Account | undefined>;
  findById(id: number): Promise<Account | undefined>;
  list(): Promise<Account[]>;
  /** True when an account was removed. Ends its sessions in client apps. */
  remove(username: string): Promise<boolean>;
  /**
   * Changes the attributes of an account (names, email, staff, active) in one UPDATE; the
   * account as it is afterwards, or undefined when there is none. A TypeError for bad values.
   */
  update(username: string, changes: AccountChanges): Promise<Account | undefined>;
  /** True when the account exists and its password was changed. Ends its sessions in client apps. */
  setPassword(username: string, password: string): Promise<boolean>;
  /**
   * Activates or deactivates; true when the account exists. Deactivating ends its sessions in
   * client apps (and it can no longer sign in).
   */
  setActive(username: string, active: boolean): Promise<boolean>;
  /**
   * The active account these credentials belong to, or undefined. Unknown usernames cost the
   * same hash time as known ones.
   */
  verifyCredentials(username: string, password: string): Promise<Account | undefined>;
  /** Stamps `last_login`. */
  recordLogin(id: number, at: Date): Promise<void>;
}

export interface SqlAccountStoreOptions {
  /** The database, from `openSqlDatabase`. */
  database: SqlDatabase<unknown>;
  /** @default argon2id with OWASP parameters */
  passwordHasher?: PasswordHasher;
  /** Clock for `date_joined`. @default () => new Date() */
  now?: () => Date;
  /**
   * Called before an account is removed, deactivated or given a new password; the function it
   * returns runs inside the transaction of that change (single logout writes its notices to
   * the outbox there, so a change never commits without them). @default none
   */
  onSessionsEnd?: SessionsEndHook;
}

/** Why an account's sessions end. */
export type SessionsEndReason = 'removed' | 'deactivated' | 'password-changed';

/**
 * Prepares, outside any transaction (it may read other tables), the writes that go with ending
 * an account's sessions; the returned function is given the change's transaction.
 */
export type SessionsEndHook = (
  userId: number,
  reason: SessionsEndReason,
) => Promise<(transaction: Kysely<unknown>) => Promise<void>>;

function toAccount(row: UserRow): Account {
  let groups: Array<number | string> = [];
  try {
    const parsed: unknown = JSON.parse(row.groups_json);
    if (Array.isArray(parsed)) groups = parsed.filter((g) => typeof g === 'number' || typeof g === 'string');
  } catch {
    // A hand-edited groups column must not lock the user out; it reads as no groups.
  }
  return {
    id: Number(row.id),
    username: row.username,
    firstName: row.first_name,
    lastName: row.last_name,
    email: row.email,
    isStaff: Boolean(row.is_staff),
    isActive: Boolean(row.is_active),
    isSuperuser: Boolean(row.is_superuser),
    lastLogin: row.last_login === null ? null : new Date(row.last_login),
    dateJoined: new Date(row.date_joined),
    groups,
    sessionAuthHash: sessionAuthHash(row.password_hash),
  };
}

const ACCOUNT_COLUMNS = [
  'id',
  'username',
  'first_name',
  'last_name',
  'email',
  'is_staff',
  'is_active',
  'is_superuser',
  'last_login',
  'date_joined',
  'groups_json',
  // Read only for `sessionAuthHash`; the hash itself never leaves `toAccount`.
  'password_hash',
] as const;

// SQLite binds neither booleans nor dates; 1/0 are read as booleans by every dialect.
const flag = (value: boolean): number => (value ? 1 : 0);

function isUniqueViolation(error: unknown): boolean {
  const text = `${(error as { code?: unknown })?.code ?? ''} ${(error as Error)?.message ?? ''}`;
  return /UNIQUE|23505|ER_DUP_ENTRY|Duplicate entry/i.test(text);
}

export function sqlAccountStore(options: SqlAccountStoreOptions): AccountStore {
  const { database } = options;
  const db = database.db as Kysely<ProviderSchema>;
  const hasher = options.passwordHasher ?? argon2PasswordHasher();
  const now = options.now ?? (() => new Date());
  /** Runs a change of one account, with the hook's writes in the same transaction. */
  const changeEndingSessions = async (
    userId: number,
    reason: SessionsEndReason,
    change: (transaction: Kysely<ProviderSchema>) => Promise<bigint>,
  ): Promise<boolean> => {
    const alsoWrite =
      options.onSessionsEnd === undefined ? undefined : await options.onSessionsEnd(userId, reason);
    if (alsoWrite === undefined) return (await change(db)) > 0n;
    return await db.transaction().execute(async (transaction) => {
      const changed = await change(transaction);
      if (changed > 0n) await alsoWrite(transaction as unknown as Kysely<unknown>);
      return changed > 0n;
    });
  };

  // Usernames compare exactly, whatever the database's collation would also match (MySQL's
  // PAD SPACE ignores trailing spaces): a name no account can have matches nothing, and the
  // row found must carry the very name asked for.
  const findRow = async (username: string): Promise<UserRow | undefined> => {
    if (!isValidUsername(username)) return undefined;
    const row = await db
      .selectFrom(USERS_TABLE)
      .selectAll()
      .where('username', '=', username)
      .executeTakeFirst();
    return row?.username === username ? row : undefined;
  };
  // Kysely builds and compiles a query on every call, which costs more than SQLite's answer;
  // `findById` runs three times in every login, so it is compiled once and given each id.
  const findByIdQuery = db.selectFrom(USERS_TABLE).select(ACCOUNT_COLUMNS).where('id', '=', 0).compile();

  const store: AccountStore = {
    async migrate() {
      await runMigrations(
        database.db as Kysely<unknown>,
        providerMigrations(database.dialect),
        PROVIDER_MIGRATION_TABLE,
      );
    },

    async add(newAccount) {
      // Django's `create_user` stores the NFKC form, which is what its login form looks up.
      const input = { ...newAccount, username: newAccount.username.normalize('NFKC') };
      assertValidUsername(input.username);
      assertValidPassword(input.password);
      assertValidChanges({
        ...(input.email === undefined ? {} : { email: input.email }),
        ...(input.firstName === undefined ? {} : { firstName: input.firstName }),
        ...(input.lastName === undefined ? {} : { lastName: input.lastName }),
      });
      const passwordHash = await hasher.hash(input.password);
      try {
        await db
          .insertInto(USERS_TABLE)
          .values({
            username: input.username,
            password_hash: passwordHash,
            first_name: input.firstName ?? '',
            last_name: input.lastName ?? '',
            email: input.email ?? '',
            is_staff: flag(input.isStaff ?? false),
            is_active: flag(input.isActive ?? true),
            is_superuser: flag(input.isSuperuser ?? false),
            last_login: null,
            date_joined: now().toISOString(),
            groups_json: JSON.stringify(input.groups ?? []),
          } as Omit<UserRow, 'id'> as UserRow)
          .execute();
      } catch (error) {
        if (isUniqueViolation(error))
          throw new TypeError(`username "${input.username}" is taken`, { cause: error });
        throw error;
      }
      const account = await store.findByUsername(input.username);
      if (account === undefined)
        throw new Error(`account "${input.username}" vanished right after it was added`);
      return account;
    },

    async findByUsername(username) {
      const row = await findRow(username);
      return row === undefined ? undefined : toAccount(row);
    },

    async findById(id) {
      if (!Number.isSafeInteger(id)) return undefined;
      const { rows } = await db.executeQuery({ ...findByIdQuery, parameters: [id] });
      const [row] = rows;
      return row === undefined ? undefined : toAccount(row as UserRow);
    },

    async list() {
      const rows = await db.selectFrom(USERS_TABLE).select(ACCOUNT_COLUMNS).orderBy('id').execute();
      return rows.map((row) => toAccount(row as UserRow));
    },

    // By id once found: a MySQL comparison of the name could also hit a padded variant.
    async remove(username) {
      const row = await findRow(username);
      if (row === undefined) return false;
      return await changeEndingSessions(row.id, 'removed', async (transaction) => {
        const result = await transaction.deleteFrom(USERS_TABLE).where('id', '=', row.id).executeTakeFirst();
        return BigInt(result.numDeletedRows);
      });
    },

    async update(username, changes) {
      assertValidChanges(changes);
      const row = await findRow(username);
      if (row === undefined) return undefined;
      const set: Partial<UserRow> = {};
      if (changes.firstName !== undefined) set.first_name = changes.firstName;
      if (changes.lastName !== undefined) set.last_name = changes.lastName;
      if (changes.email !== undefined) set.email = changes.email;
      if (changes.isStaff !== undefined) set.is_staff = flag(changes.isStaff);
      if (changes.isActive !== undefined) set.is_active = flag(changes.isActive);
      if (Object.keys(set).length > 0) {
        await db.updateTable(USERS_TABLE).set(set).where('id', '=', row.id).execute();
      }
      return store.findById(Number(row.id));
    },

    async setPassword(username, password) {
      assertValidPassword(password);
      const row = await findRow(username);
      if (row === undefined) return false;
      const passwordHash = await hasher.hash(password);
      return await changeEndingSessions(row.id, 'password-changed', async (transaction) => {
        const result = await transaction
          .updateTable(USERS_TABLE)
          .set({ password_hash: passwordHash })
          .where('id', '=', row.id)
          .executeTakeFirst();
        return BigInt(result.numUpdatedRows);
      });
    },

    async setActive(username, active) {
      const row = await findRow(username);
      if (row === undefined) return false;
      const update = (transaction: Kysely<ProviderSchema>) =>
        transaction
          .updateTable(USERS_TABLE)
          .set({ is_active: flag(active) })
          .where('id', '=', row.id)
          .executeTakeFirst();
      // MySQL counts only rows that changed: an account already in that state still exists.
      if (active) {
        await update(db);
        return true;
      }
      await changeEndingSessions(row.id, 'deactivated', async (transaction) => {
        await update(transaction);
        return 1n;
      });
      return true;
    },

    async verifyCredentials(username, password) {
      const plausible = password.length > 0 && password.length <= MAX_PASSWORD_LENGTH;
      const row = plausible ? await findRow(username) : undefined;
      if (row === undefined || !row.is_active) {
        await hasher.verifyNothing(password.slice(0, MAX_PASSWORD_LENGTH));
        return undefined;
      }
      return (await hasher.verify(row.password_hash, password)) ? toAccount(row) : undefined;
    },

    async recordLogin(id, at) {
      await db.updateTable(USERS_TABLE).set({ last_login: at.toISOString() }).where('id', '=', id).execute();
    },
  };
  return store;
}
