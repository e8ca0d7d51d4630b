import { SignedApiClient, SsoError } from '@ssokit/protocol';
import { errorCode, type ProviderEndpoint } from '../metrics/client-events.ts';
import { type SsoUserRecord, userRecordFromProvider } from '../user/sso-user.ts';

export interface ProviderApiOptions {
  providerUrl: string;
  remotePrefix: string;
  apiKey: string;
  secretKey: string;
  timeoutMs: number;
  /** Most bytes read of an answer (SignedApiClient's `maxResponseBytes`). */
  maxResponseBytes: number;
  /** For tests. @default globalThis.fetch */
  fetch?: typeof fetch;
  /** Told of each call: endpoint, seconds, `ok` or the `SsoError` code. */
  onCall?: (endpoint: ProviderEndpoint, seconds: number, outcome: string) => void;
}

const TOKEN_SHAPE = /^[\x21-\x7e]{1,512}$/;

/**
 * The provider's two back-channel endpoints, called signed. Errors are `SsoError`s:
 * PROVIDER_UNREACHABLE (502), PROVIDER_TIMEOUT (504), PROVIDER_REFUSED (502, the provider's
 * status as `providerStatus` and its text), PROVIDER_BAD_RESPONSE (502), PROVIDER_RESPONSE_TOO_LARGE (502).
 */
export class ProviderApi {
  private readonly api: SignedApiClient;

  constructor(private readonly options: ProviderApiOptions) {
    this.api = new SignedApiClient({
      baseUrl: options.providerUrl,
      apiKey: options.apiKey,
      secretKey: options.secretKey,
      timeoutMs: options.timeoutMs,
      maxResponseBytes: options.maxResponseBytes,
      ...(options.fetch === undefined ? {} : { fetch: options.fetch }),
    });
  }

  /** A new request token (`GET {prefix}reqeusttoken/`, the original's spelling). */
  newRequestToken(): Promise<string> {
    return this.timed('reqeusttoken', () => this.requestToken());
  }

  /** The user the provider bound to these tokens (`GET {prefix}authtoken/`); single use there. */
  userForTokens(requestToken: string, authToken: string): Promise<SsoUserRecord> {
    return this.timed('authtoken', () => this.user(requestToken, authToken));
  }

  private async timed<T>(endpoint: ProviderEndpoint, call: () => Promise<T>): Promise<T> {
    const { onCall } = this.options;
    if (onCall === undefined) return call();
    const started = performance.now();
    try {
      const result = await call();
      onCall(endpoint, (performance.now() - started) / 1000, 'ok');
      return result;
    } catch (error) {
      onCall(endpoint, (performance.now() - started) / 1000, errorCode(error));
      throw error;
    }
  }

  private async requestToken(): Promise<string> {
    const answer = await this.api.get<{ request_token?: unknown }>(
      `${this.options.remotePrefix}reqeusttoken/`,
    );
    const token = answer?.request_token;
    if (typeof token !== 'string' || !TOKEN_SHAPE.test(token)) {
      throw new SsoError(
        'PROVIDER_BAD_RESPONSE',
        'the provider answered reqeusttoken/ without a usable request_token',
      );
    }
    return token;
  }

  private async user(requestToken: string, authToken: string): Promise<SsoUserRecord> {
    const answer = await this.api.get<{ user?: unknown }>(`${this.options.remotePrefix}authtoken/`, [
      ['request_token', requestToken],
      ['auth_token', authToken],
    ]);
    if (typeof answer !== 'object' || answer === null || !('user' in answer)) {
      throw new SsoError('PROVIDER_BAD_RESPONSE', 'the provider answered authtoken/ without a user');
    }
    return userRecordFromProvider(answer.user);
  }

  /** The browser-facing login page address, with its parameters in the original's order. */
  loginPageBase(): string {
    return `${this.options.providerUrl}${this.options.remotePrefix}login/`;
  }
}
