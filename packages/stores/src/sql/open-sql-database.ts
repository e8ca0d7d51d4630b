import { type CompiledQuery, Kysely, MysqlDialect, PostgresDialect, SqliteDialect } from 'kysely';
import {
  assertCircuitBreakerOptions,
  type CircuitBreaker,
  type CircuitBreakerOptions,
  circuitBreaker,
} from '../circuit-breaker.ts';
import { loadDriver } from '../load-driver.ts';
import type { StoreLogger } from '../store-logger.ts';
import { mysqlDeadlinePool } from './mysql-deadline-pool.ts';
import { pgDeadlinePool } from './pg-deadline-pool.ts';
import { withStatementCache } from './sqlite-statement-cache.ts';

export type SqlDialectName = 'sqlite' | 'postgres' | 'mysql';

export interface SqlDatabase<Schema = unknown> {
  db: Kysely<Schema>;
  dialect: SqlDialectName;
  /** The URL with any password replaced by `***`, safe to log. */
  displayUrl: string;
  /**
   * SQLite only (better-sqlite3 runs queries synchronously): the rows of a compiled read, at
   * once. It runs outside Kysely's connection lock, so it would see the writes of a
   * transaction in progress on the connection: for single-row reads by key of tables that no
   * transaction writes (the session table).
   */
  readNow?: <Row>(query: CompiledQuery<Row>) => Row[];
  /**
   * The deadline of each pool checkout and query (the SQLite busy timeout), in milliseconds;
   * always set by `openSqlDatabase`, optional for databases wrapped by hand.
   */
  operationTimeoutMs?: number;
  /** PostgreSQL and MySQL: the breaker every query of this database goes through. */
  circuitBreaker?: CircuitBreaker;
  /**
   * PostgreSQL opened from a URL: a new client outside the pool, not connected, with the
   * pool's deadlines (for `LISTEN`, which holds its connection). The caller ends it.
   */
  dedicatedClient?: (applicationName?: string) => import('pg').Client;
  /** Closes the pool; waits at most twice `operationTimeoutMs` for connections a frozen server holds. */
  close(): Promise<void>;
}

/** Default deadline of one SQL step (pool checkout, connect, query). */
export const DEFAULT_SQL_TIMEOUT_MS = 2000;

export interface OpenSqlDatabaseOptions {
  /**
   * `sqlite:PATH` (or a bare file path, or `:memory:`), `postgres://…` / `postgresql://…`,
   * `mysql://…` / `mariadb://…`.
   * @default 'sqlite:ssokit.sqlite' (a file in the current folder)
   */
  url?: string;
  /** Connections in the pool (PostgreSQL, MySQL). @default 10 */
  poolSize?: number;
  /**
   * Deadline of every SQL step, in milliseconds: the wait for a pooled connection (which
   * includes connecting), and each query. A step that misses it fails, which the stores turn
   * into `STORE_UNAVAILABLE` (503), as for a refused connection. PostgreSQL: pg's
   * `connectionTimeoutMillis`, the server's `statement_timeout`, and a client-side timer that
   * destroys the connection of a query a frozen server never answers. MySQL/MariaDB: mysql2's
   * `connectTimeout`, a checkout timer and the same query timer. SQLite: the busy timeout (how
   * long a write waits for another process's lock; it blocks the event loop meanwhile).
   * @default 2000
   */
  operationTimeoutMs?: number;
  /**
   * PostgreSQL and MySQL: after this many consecutive timeouts or connection failures, every
   * query fails at once (`cause.code` `CIRCUIT_OPEN`) until a probe after the cool-down finds
   * the database back; `false` turns the breaker off.
   * @default {} (5 consecutive failures, a probe every 5000 ms)
   */
  circuitBreaker?: CircuitBreakerOptions | false;
  /** Told once when the breaker opens (warn) and when it closes (info). @default undefined */
  logger?: StoreLogger;
}

/**
 * Hides the password of a database or store URL (`scheme://user:PASSWORD@host`, and
 * `?password=` style query parameters), for logs and errors.
 */
export function redactUrl(url: string): string {
  return url
    .replace(/(\/\/[^:/@]*:)[^@]*@/, '$1***@')
    .replace(/([?&](?:password|pass|pwd|secret)=)[^&#]*/gi, '$1***');
}

/** Opens a pooled Kysely database for a URL, picking the dialect from its scheme. */
export function openSqlDatabase<Schema = unknown>(options: OpenSqlDatabaseOptions = {}): SqlDatabase<Schema> {
  const url = options.url ?? 'sqlite:ssokit.sqlite';
  const displayUrl = redactUrl(url);
  const poolSize = options.poolSize ?? 10;
  const timeoutMs = options.operationTimeoutMs ?? DEFAULT_SQL_TIMEOUT_MS;
  if (!Number.isFinite(timeoutMs) || timeoutMs <= 0) {
    throw new TypeError(`operationTimeoutMs must be a positive number of milliseconds, got ${timeoutMs}`);
  }
  const breakerOptions = options.circuitBreaker ?? {};
  if (breakerOptions !== false) assertCircuitBreakerOptions(breakerOptions, 'circuitBreaker');
  const networkBreaker = () =>
    breakerOptions === false
      ? undefined
      : circuitBreaker({ ...breakerOptions, name: `database ${displayUrl}`, logger: options.logger });
  let breaker: CircuitBreaker | undefined;
  let dialect: SqlDialectName;
  let db: Kysely<Schema>;
  let readNow: SqlDatabase['readNow'];
  let dedicatedClient: SqlDatabase['dedicatedClient'];
  if (/^postgres(ql)?:\/\//.test(url)) {
    const pg = loadDriver<typeof import('pg')>('pg', `database url ${displayUrl}`);
    dialect = 'postgres';
    const pool = new pg.Pool({
      connectionString: url,
      max: poolSize,
      connectionTimeoutMillis: timeoutMs,
      // The server cancels a statement that runs too long (a lock wait) and frees what it holds.
      statement_timeout: timeoutMs,
    });
    // An idle client that loses its connection emits 'error' on the pool; without a listener
    // that would crash the process. The next query reconnects.
    pool.on('error', () => {});
    // A client checked out by a query has no pool listener: when the server goes away in the
    // middle of a query, the client emits 'error' besides rejecting the query, which would
    // crash the process. The query's rejection reports the failure; the pool drops the client.
    pool.on('connect', (client) => client.on('error', () => {}));
    breaker = networkBreaker();
    dedicatedClient = (applicationName) =>
      new pg.Client({
        connectionString: url,
        connectionTimeoutMillis: timeoutMs,
        statement_timeout: timeoutMs,
        ...(applicationName === undefined ? {} : { application_name: applicationName }),
      });
    db = new Kysely<Schema>({
      dialect: new PostgresDialect({ pool: pgDeadlinePool(pool, { timeoutMs, breaker }) }),
    });
  } else if (/^(mysql|mariadb):\/\//.test(url)) {
    const mysql = loadDriver<typeof import('mysql2')>('mysql2', `database url ${displayUrl}`);
    dialect = 'mysql';
    const pool = mysql.createPool({
      uri: url.replace(/^mariadb:/, 'mysql:'),
      connectionLimit: poolSize,
      connectTimeout: timeoutMs,
    });
    pool.on('connection', (connection) => connection.on('error', () => {}));
    breaker = networkBreaker();
    db = new Kysely<Schema>({
      dialect: new MysqlDialect({ pool: mysqlDeadlinePool(pool, { timeoutMs, breaker }) }),
    });
  } else {
    const path = url.replace(/^sqlite:(\/\/)?/, '');
    if (path === '') throw new TypeError(`database url ${displayUrl} names no file`);
    const Sqlite = loadDriver<typeof import('better-sqlite3')>(
      'better-sqlite3',
      `database url ${displayUrl}`,
    );
    dialect = 'sqlite';
    // The busy timeout bounds the wait for another process's write lock (the admin CLI's).
    const sqlite = new Sqlite(path, { timeout: timeoutMs });
    // WAL lets readers run while one process writes: the provider and its admin CLI share the file.
    sqlite.pragma('journal_mode = WAL');
    // With WAL, NORMAL syncs the log at checkpoints instead of at every commit (SQLite's advice
    // for WAL, and Rails' default). better-sqlite3 runs on the event loop: at FULL each commit
    // (a session written at login, a batch of audit rows) stopped every request for the
    // fsync, about 1 ms here. A crash of the process loses nothing; one of the system, or a
    // power loss, leaves the file consistent but can take back the last commits.
    sqlite.pragma('synchronous = NORMAL');
    // Kysely prepares every query anew; the cache compiles each SQL text once.
    const cached = withStatementCache(sqlite);
    db = new Kysely<Schema>({ dialect: new SqliteDialect({ database: cached }) });
    readNow = <Row>(query: CompiledQuery<Row>) => cached.prepare(query.sql).all(query.parameters) as Row[];
  }
  return {
    db,
    dialect,
    displayUrl,
    ...(readNow === undefined ? {} : { readNow }),
    ...(dedicatedClient === undefined ? {} : { dedicatedClient }),
    operationTimeoutMs: timeoutMs,
    ...(breaker === undefined ? {} : { circuitBreaker: breaker }),
    close: () => closeWithin(db, timeoutMs),
  };
}

// Ending a pool waits for its connections to say goodbye; a frozen server never does. The
// query deadline destroys busy connections, so past one more deadline nothing is worth waiting for.
async function closeWithin(db: { destroy(): Promise<void> }, timeoutMs: number): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  const cutOff = new Promise<void>((resolve) => {
    timer = setTimeout(resolve, timeoutMs * 2);
    timer.unref();
  });
  try {
    await Promise.race([db.destroy(), cutOff]);
  } finally {
    clearTimeout(timer);
  }
}
