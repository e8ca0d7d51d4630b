import { type CompiledQuery, Kysely, MysqlDialect, PostgresDialect, SqliteDialect } from 'kysely';
import { loadDriver } from '../load-driver.ts';
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
  close(): Promise<void>;
}

export interface OpenSqlDatabaseOptions {
  /**
   * `sqlite:PATH` (or a bare file path, or `:memory:`), `postgres://…` / `postgresql://…`,
   * `mysql://…` / `mariadb://…`.
   * @default 'sqlite:ssokit.sqlite' (a file in the current folder)
   */
  url?: string;
  /** Connections in the pool (PostgreSQL, MySQL). @default 10 */
  poolSize?: number;
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
  let dialect: SqlDialectName;
  let db: Kysely<Schema>;
  let readNow: SqlDatabase['readNow'];
  if (/^postgres(ql)?:\/\//.test(url)) {
    const pg = loadDriver<typeof import('pg')>('pg', `database url ${displayUrl}`);
    dialect = 'postgres';
    const pool = new pg.Pool({ connectionString: url, max: poolSize });
    // An idle client that loses its connection emits 'error' on the pool; without a listener
    // that would crash the process. The next query reconnects.
    pool.on('error', () => {});
    // A client checked out by a query has no pool listener: when the server goes away in the
    // middle of a query, the client emits 'error' besides rejecting the query, which would
    // crash the process. The query's rejection reports the failure; the pool drops the client.
    pool.on('connect', (client) => client.on('error', () => {}));
    db = new Kysely<Schema>({ dialect: new PostgresDialect({ pool }) });
  } else if (/^(mysql|mariadb):\/\//.test(url)) {
    const mysql = loadDriver<typeof import('mysql2')>('mysql2', `database url ${displayUrl}`);
    dialect = 'mysql';
    const pool = mysql.createPool({ uri: url.replace(/^mariadb:/, 'mysql:'), connectionLimit: poolSize });
    pool.on('connection', (connection) => connection.on('error', () => {}));
    db = new Kysely<Schema>({ dialect: new MysqlDialect({ pool }) });
  } else {
    const path = url.replace(/^sqlite:(\/\/)?/, '');
    if (path === '') throw new TypeError(`database url ${displayUrl} names no file`);
    const Sqlite = loadDriver<typeof import('better-sqlite3')>(
      'better-sqlite3',
      `database url ${displayUrl}`,
    );
    dialect = 'sqlite';
    const sqlite = new Sqlite(path);
    // WAL lets readers run while one process writes: the provider and its admin CLI share the file.
    sqlite.pragma('journal_mode = WAL');
    sqlite.pragma('busy_timeout = 5000');
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
    close: () => db.destroy(),
  };
}
