import type { SqliteDatabase, SqliteStatement } from 'kysely';

/** The part of a better-sqlite3 statement the cache needs besides Kysely's `SqliteStatement`. */
interface CacheableStatement {
  readonly reader: boolean;
  /** True while an `iterate()` over this statement has not finished. */
  readonly busy: boolean;
  all(...parameters: unknown[]): unknown[];
  run(...parameters: unknown[]): ReturnType<SqliteStatement['run']>;
  iterate(...parameters: unknown[]): IterableIterator<unknown>;
}

interface PreparingDatabase {
  prepare(sql: string): CacheableStatement;
  close(): unknown;
}

/**
 * Statements kept per database. Queries are built from code, so the set of SQL texts is
 * small (tens); the bound only stops a program that builds SQL from data (IN-lists of varying
 * length) from growing it without end.
 * @default 256
 */
export const DEFAULT_STATEMENT_CACHE_SIZE = 256;

/**
 * Up to this many parameters are passed as separate arguments. better-sqlite3 reads an array
 * argument element by element through V8's generic property lookup, about 400 instructions
 * a parameter more than a plain argument (callgrind; a 100-row audit INSERT binds 800);
 * a long IN-list still goes as one array, so a spread never comes near the stack's limit.
 */
const MAX_SPREAD_PARAMETERS = 1000;

/** Kysely's statement, its parameters handed to better-sqlite3 as arguments (see above). */
function spreadingParameters(statement: CacheableStatement): SqliteStatement {
  return {
    reader: statement.reader,
    all: (parameters) =>
      parameters.length <= MAX_SPREAD_PARAMETERS ? statement.all(...parameters) : statement.all(parameters),
    run: (parameters) =>
      parameters.length <= MAX_SPREAD_PARAMETERS ? statement.run(...parameters) : statement.run(parameters),
    iterate: (parameters) =>
      parameters.length <= MAX_SPREAD_PARAMETERS
        ? statement.iterate(...parameters)
        : statement.iterate(parameters),
  };
}

/**
 * Wraps a better-sqlite3 database for Kysely's `SqliteDialect` so that `prepare(sql)` hands
 * back a statement prepared earlier for the same text instead of compiling it again: Kysely's
 * driver prepares on every query, and SQLite's compile is a large share of a short query.
 *
 * Why sharing one statement is safe: better-sqlite3 runs `all()` and `run()` synchronously to
 * the end and binds parameters per call, so no two calls can interleave on a statement. The one
 * exception is `iterate()` (Kysely's `stream()`), which leaves the statement busy between rows;
 * while a cached statement is busy, `prepare` returns a fresh, uncached one. A statement
 * survives schema changes: SQLite recompiles it on its next run (`sqlite3_prepare_v3`).
 */
export function withStatementCache(
  database: PreparingDatabase,
  maxStatements: number = DEFAULT_STATEMENT_CACHE_SIZE,
): SqliteDatabase {
  // A Map keeps insertion order: re-inserting on a hit makes the first key the least recently used.
  const statements = new Map<string, { statement: CacheableStatement; spreading: SqliteStatement }>();
  return {
    prepare(sql: string): SqliteStatement {
      const cached = statements.get(sql);
      if (cached !== undefined) {
        if (cached.statement.busy) return spreadingParameters(database.prepare(sql));
        statements.delete(sql);
        statements.set(sql, cached);
        return cached.spreading;
      }
      const statement = database.prepare(sql);
      const spreading = spreadingParameters(statement);
      statements.set(sql, { statement, spreading });
      if (statements.size > maxStatements) {
        const oldest = statements.keys().next().value;
        if (oldest !== undefined) statements.delete(oldest);
      }
      return spreading;
    },
    close() {
      statements.clear();
      database.close();
    },
  };
}
