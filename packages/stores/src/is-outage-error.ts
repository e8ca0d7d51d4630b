// SQLSTATE classes that mean the server or the connection is in trouble, not the statement:
// 08 connection exception, 53 insufficient resources, 57 operator intervention (57014 is a
// statement_timeout cancel, 57P01 an admin shutdown), 58 system error.
const OUTAGE_SQLSTATE_CLASSES = new Set(['08', '53', '57', '58']);
// Redis replies that mean "not now" rather than "wrong command".
const REDIS_NOT_NOW = /^(LOADING|MASTERDOWN|CLUSTERDOWN|TRYAGAIN|BUSY)\b/;

/**
 * True when a failed operation says the dependency is unreachable or stalled (a timeout, a
 * refused or lost connection, an overloaded server), which a circuit breaker counts; false
 * when the server answered with an error of its own (a constraint violation, an unknown
 * command), which proves it is alive.
 */
export function isOutageError(error: unknown): boolean {
  if (typeof error !== 'object' || error === null) return true;
  const { name, message, code, sqlState, fatal } = error as {
    name?: unknown;
    message?: unknown;
    code?: unknown;
    sqlState?: unknown;
    fatal?: unknown;
  };
  // ioredis: an error reply from the server.
  if (name === 'ReplyError') return typeof message === 'string' && REDIS_NOT_NOW.test(message);
  // mysql2: an error packet from the server has a SQLSTATE; a fatal one ends the connection.
  if (typeof sqlState === 'string')
    return fatal === true || OUTAGE_SQLSTATE_CLASSES.has(sqlState.slice(0, 2));
  if (fatal === true) return true;
  // pg: a server error carries its SQLSTATE in `code` (five characters, e.g. 23505).
  if (typeof code === 'string' && /^[0-9A-Z]{5}$/.test(code) && /^[0-9]/.test(code)) {
    return OUTAGE_SQLSTATE_CLASSES.has(code.slice(0, 2));
  }
  return true;
}
