import type { PostgresPool, PostgresPoolClient, PostgresQueryResult } from 'kysely';
import type { Pool, PoolClient } from 'pg';
import { recordQueryFailure, type SqlDeadline, sqlTimeoutError } from './sql-deadline.ts';

/**
 * The pg pool as Kysely sees it, with a deadline on every query and the database's circuit
 * breaker in front of every checkout. The pool's own `connectionTimeoutMillis` bounds the
 * checkout; the server's `statement_timeout` cancels a slow statement on a live server. The
 * client-side timer here covers a frozen server, which answers nothing, not even a cancel:
 * a client whose query missed its deadline is released with an error, so pg-pool destroys
 * its socket instead of handing the stuck connection to the next query.
 */
export function pgDeadlinePool(pool: Pool, deadline: SqlDeadline): PostgresPool {
  const { timeoutMs, breaker } = deadline;
  // Kysely keys its connection objects by client: one wrapper per pg client, for its lifetime.
  const wrappers = new WeakMap<PoolClient, PostgresPoolClient>();
  const wrap = (client: PoolClient): PostgresPoolClient => {
    let broken: Error | undefined;
    const query = async (sql: string, parameters: readonly unknown[]) => {
      // Kysely rolls a failed transaction back on the same connection before releasing it:
      // on a dead connection that would wait for another deadline and count another failure.
      if (broken !== undefined) throw broken;
      let timer: NodeJS.Timeout | undefined;
      const timedOut = new Promise<never>((_, reject) => {
        timer = setTimeout(() => {
          broken = sqlTimeoutError('query', timeoutMs);
          // pg ends a client with a query in flight by destroying its socket.
          client.end().catch(() => undefined);
          reject(broken);
        }, timeoutMs);
      });
      try {
        // Promise.race subscribes to the query, so its late rejection is never unhandled.
        const result = await Promise.race([client.query(sql, [...parameters]), timedOut]);
        breaker?.succeeded();
        return result as unknown as PostgresQueryResult<unknown>;
      } catch (error) {
        recordQueryFailure(breaker, error);
        throw error;
      } finally {
        clearTimeout(timer);
      }
    };
    const wrapper = {
      query: (sqlOrCursor: unknown, parameters?: readonly unknown[]) =>
        typeof sqlOrCursor === 'string'
          ? query(sqlOrCursor, parameters ?? [])
          : // A cursor streams rows at its reader's pace; Kysely's stream() is not used by ssokit.
            client.query(sqlOrCursor as never),
      release(destroy?: boolean) {
        if (broken !== undefined) {
          const error = broken;
          broken = undefined;
          client.release(error);
          return;
        }
        client.release(destroy);
      },
    } as PostgresPoolClient;
    return wrapper;
  };
  return {
    async connect() {
      const refusal = breaker?.refusal();
      if (refusal !== undefined) throw refusal;
      let client: PoolClient;
      try {
        client = await pool.connect();
      } catch (error) {
        breaker?.failed();
        throw Object.assign(error instanceof Error ? error : new Error(String(error)), {
          code: (error as { code?: unknown })?.code ?? 'ETIMEDOUT',
        });
      }
      let wrapper = wrappers.get(client);
      if (wrapper === undefined) {
        wrapper = wrap(client);
        wrappers.set(client, wrapper);
      }
      return wrapper;
    },
    end: () => pool.end(),
  };
}
