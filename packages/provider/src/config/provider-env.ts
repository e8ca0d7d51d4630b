/**
 * Every environment variable the provider reads, in one place:
 *
 * - `SSOKIT_PROVIDER_PORT`: port for `ssokit provider serve` (default 9000)
 * - `SSOKIT_PROVIDER_HOST`: address to listen on (default 127.0.0.1)
 * - `SSOKIT_PROVIDER_DB`: database URL (default `sqlite:ssokit.sqlite`)
 * - `SSOKIT_PROVIDER_DB_TIMEOUT_MS`: deadline of each SQL step, in milliseconds (default 2000)
 * - `SSOKIT_PROVIDER_REDIS`: key-value store URL, `redis://…` or `memcached://…` (default: in memory)
 * - `SSOKIT_PROVIDER_PREFIX`: SSO endpoint prefix (default `/sso/`)
 * - `SSOKIT_PROVIDER_TRUST_PROXY`: the proxies trusted for client addresses: a hop count, or
 *   comma-separated addresses/subnets (`true` is one hop); see the `trustProxy` option
 * - `SSOKIT_PROVIDER_LOG_LEVEL`: pino level (default `info`)
 * - `SSOKIT_PROVIDER_METRICS_PORT`: port of the Prometheus `/metrics` listener (default: none)
 *
 * Command-line flags win over these; these win over the defaults.
 */
export interface ProviderEnv {
  port?: number;
  host?: string;
  database?: string;
  databaseTimeoutMs?: number;
  keyValueStoreUrl?: string;
  prefix?: string;
  trustProxy?: boolean | number | string;
  logLevel?: string;
  metricsPort?: number;
}

function nonEmpty(value: string | undefined): string | undefined {
  return value === undefined || value.trim() === '' ? undefined : value.trim();
}

/** Reads the variables; a malformed port is an error naming the variable. */
export function readProviderEnv(env: NodeJS.ProcessEnv = process.env): ProviderEnv {
  const result: ProviderEnv = {};
  const port = portVariable(env, 'SSOKIT_PROVIDER_PORT');
  if (port !== undefined) result.port = port;
  const metricsPort = portVariable(env, 'SSOKIT_PROVIDER_METRICS_PORT');
  if (metricsPort !== undefined) result.metricsPort = metricsPort;
  const host = nonEmpty(env.SSOKIT_PROVIDER_HOST);
  if (host !== undefined) result.host = host;
  const database = nonEmpty(env.SSOKIT_PROVIDER_DB);
  if (database !== undefined) result.database = database;
  const databaseTimeout = nonEmpty(env.SSOKIT_PROVIDER_DB_TIMEOUT_MS);
  if (databaseTimeout !== undefined) {
    const parsed = Number(databaseTimeout);
    if (!Number.isFinite(parsed) || parsed <= 0) {
      throw new TypeError(
        `SSOKIT_PROVIDER_DB_TIMEOUT_MS must be a positive number of milliseconds, got "${databaseTimeout}"`,
      );
    }
    result.databaseTimeoutMs = parsed;
  }
  const store = nonEmpty(env.SSOKIT_PROVIDER_REDIS);
  if (store !== undefined) result.keyValueStoreUrl = store;
  const prefix = nonEmpty(env.SSOKIT_PROVIDER_PREFIX);
  if (prefix !== undefined) result.prefix = prefix;
  const trustProxy = nonEmpty(env.SSOKIT_PROVIDER_TRUST_PROXY);
  if (trustProxy !== undefined) result.trustProxy = parseTrustProxy(trustProxy);
  const logLevel = nonEmpty(env.SSOKIT_PROVIDER_LOG_LEVEL);
  if (logLevel !== undefined) result.logLevel = logLevel;
  return result;
}

function portVariable(env: NodeJS.ProcessEnv, name: string): number | undefined {
  const port = nonEmpty(env[name]);
  if (port === undefined) return undefined;
  const parsed = Number(port);
  if (!/^\d+$/.test(port) || parsed > 65535) {
    throw new TypeError(`${name} must be a port number (0-65535), got "${port}"`);
  }
  return parsed;
}

/** `true`/`false`, a hop count, or addresses/subnets as Express takes them. */
export function parseTrustProxy(text: string): boolean | number | string {
  if (text === 'true') return true;
  if (text === 'false') return false;
  if (/^\d+$/.test(text)) return Number(text);
  return text;
}
