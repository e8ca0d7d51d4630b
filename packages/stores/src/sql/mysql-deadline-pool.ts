import type { MysqlPool, MysqlPoolConnection, MysqlQueryResult } from 'kysely';
import type { Pool, PoolConnection } from 'mysql2';
import { recordQueryFailure, type SqlDeadline, sqlTimeoutError } from './sql-deadline.ts';

type QueryCallback = (error: unknown, result: MysqlQueryResult) => void;

// mysql2's destroy() only half-closes the socket, which a frozen server never acknowledges.
function destroy(connection: PoolConnection): void {
  connection.destroy();
  (connection as unknown as { stream?: { destroy?: () => void } }).stream?.destroy?.();
}

/**
 * The mysql2 pool as Kysely sees it, with a deadline on the checkout (mysql2's pool waits for
 * a free connection forever) and on every query, and the database's circuit breaker in front
 * of every checkout. A connection whose query missed its deadline is destroyed, never given
 * back to the pool: its server may be frozen, and the next query would wait behind it.
 */
export function mysqlDeadlinePool(pool: Pool, deadline: SqlDeadline): MysqlPool {
  const { timeoutMs, breaker } = deadline;
  const wrappers = new WeakMap<PoolConnection, MysqlPoolConnection>();
  const wrap = (connection: PoolConnection): MysqlPoolConnection => {
    let broken = false;
    const query = (sql: string, parameters: unknown[], callback: QueryCallback) => {
      // Kysely rolls a failed transaction back on the same connection: no second failure.
      if (broken) {
        callback(sqlTimeoutError('query', timeoutMs), []);
        return;
      }
      let settled = false;
      const timer = setTimeout(() => {
        settled = true;
        broken = true;
        destroy(connection);
        const error = sqlTimeoutError('query', timeoutMs);
        breaker?.failed();
        callback(error, []);
      }, timeoutMs);
      connection.query(sql, parameters, (error, result) => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        if (error) recordQueryFailure(breaker, error);
        else breaker?.succeeded();
        callback(error, result as MysqlQueryResult);
      });
    };
    return {
      query: ((sql: string, parameters: unknown[], callback?: QueryCallback) =>
        callback === undefined
          ? // A streamed query runs at its reader's pace; Kysely's stream() is not used by ssokit.
            connection.query(sql, parameters)
          : query(sql, parameters, callback)) as MysqlPoolConnection['query'],
      release() {
        // A destroyed connection has left the pool already.
        if (!broken) connection.release();
      },
    };
  };
  return {
    getConnection(callback) {
      const refusal = breaker?.refusal();
      if (refusal !== undefined) {
        callback(refusal, undefined as never);
        return;
      }
      let settled = false;
      const timer = setTimeout(() => {
        settled = true;
        breaker?.failed();
        callback(sqlTimeoutError('connection', timeoutMs), undefined as never);
      }, timeoutMs);
      pool.getConnection((error, connection) => {
        if (settled) {
          // Too late for its caller: straight back to the pool for the next one.
          connection?.release();
          return;
        }
        settled = true;
        clearTimeout(timer);
        if (error) {
          breaker?.failed();
          callback(error, undefined as never);
          return;
        }
        let wrapper = wrappers.get(connection);
        if (wrapper === undefined) {
          wrapper = wrap(connection);
          wrappers.set(connection, wrapper);
        }
        callback(null, wrapper);
      });
    },
    end: (callback) => pool.end(callback),
  };
}
