// What each driver reports for a duplicate key, primary keys included:
// PostgreSQL SQLSTATE 23505 (pg), MySQL/MariaDB ER_DUP_ENTRY 1062 and its variant 1586
// (mysql2), SQLite extended result codes (better-sqlite3).
const UNIQUE_VIOLATION_CODES = new Set([
  '23505',
  'ER_DUP_ENTRY',
  'ER_DUP_ENTRY_WITH_KEY_NAME',
  'SQLITE_CONSTRAINT_UNIQUE',
  'SQLITE_CONSTRAINT_PRIMARYKEY',
]);
const UNIQUE_VIOLATION_ERRNOS = new Set([1062, 1586]);

/**
 * True when a query failed because a row with the same unique (or primary) key exists, on
 * SQLite, PostgreSQL and MySQL/MariaDB alike; follows `cause` chains, so it also recognises a
 * driver error wrapped by the caller. Lets a store answer "name already taken" (409) instead
 * of a 500, without checking first and racing.
 */
export function isUniqueViolation(error: unknown): boolean {
  let current: unknown = error;
  for (let depth = 0; depth < 5 && typeof current === 'object' && current !== null; depth++) {
    const { code, errno } = current as { code?: unknown; errno?: unknown };
    if (typeof code === 'string' && UNIQUE_VIOLATION_CODES.has(code)) return true;
    if (typeof errno === 'number' && UNIQUE_VIOLATION_ERRNOS.has(errno)) return true;
    current = (current as { cause?: unknown }).cause;
  }
  return false;
}
