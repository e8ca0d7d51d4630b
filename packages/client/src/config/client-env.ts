/**
 * The one place the client reads environment variables. Explicit configuration always wins;
 * these only fill options left out, as the original read `SSO_API_AUTH_SETTING` from settings.
 */
export interface ClientEnvFallbacks {
  providerUrl?: string;
  apiKey?: string;
  secretKey?: string;
  remotePrefix?: string;
  /** The users' database URL. */
  database?: string;
  /** `memory`, `database`, or a store URL (`redis://`, `memcached://`, `postgres://`, `mysql://`). */
  sessionStore?: string;
  /** `database` or `cache`. */
  userStorage?: string;
}

/** Env variable for each option that has one. */
export const CLIENT_ENV_VARIABLES = {
  providerUrl: 'SSOKIT_URL',
  apiKey: 'SSOKIT_APIKEY',
  secretKey: 'SSOKIT_SECKEY',
  remotePrefix: 'SSOKIT_PREFIX',
  // Storage, so an app runs as several processes (twelve-factor) without a change of code.
  database: 'SSOKIT_DATABASE',
  sessionStore: 'SSOKIT_SESSION_STORE',
  userStorage: 'SSOKIT_USER_STORAGE',
} as const satisfies Record<keyof ClientEnvFallbacks, string>;

export function readClientEnv(env: NodeJS.ProcessEnv = process.env): ClientEnvFallbacks {
  const fallbacks: ClientEnvFallbacks = {};
  for (const [option, variable] of Object.entries(CLIENT_ENV_VARIABLES) as [
    keyof ClientEnvFallbacks,
    string,
  ][]) {
    const value = env[variable];
    // An empty variable is how shells unset things; treat it as absent, not as an empty key.
    if (value !== undefined && value !== '') fallbacks[option] = value;
  }
  return fallbacks;
}
