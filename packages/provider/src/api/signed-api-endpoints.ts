import {
  isSsoError,
  pythonJsonDumps,
  SSO_ERRORS,
  SsoError,
  SsoErrorCode,
  WIRE_ERROR_TEXT,
  wireErrorJson,
} from '@ssokit/protocol';
import type { Provider } from '../create-provider.ts';
import type { RequestContext } from '../http/request-context.ts';
import { splitUrl } from '../http/request-parameters.ts';
import type { SignedCallEndpoint } from '../observability/provider-events.ts';

/** A JSON answer of a signed endpoint: the original's status and body, byte for byte. */
export interface ApiAnswer {
  status: number;
  body: string;
}

/**
 * One signed endpoint, free of any web framework. Refusals (bad signature, unknown token,
 * store down) are answers; anything else rejects, for the caller's error handling.
 */
export type SignedApiEndpoint = (context: RequestContext) => Promise<ApiAnswer>;

/**
 * The back-channel endpoints, signed the dj-api-auth way, by full path: `reqeusttoken/` (and
 * the correctly spelt alias) hands out a request token, `authtoken/` trades a bound one for
 * the user. Answers and error texts are the original's. A refused or failed call is logged
 * (warn, error); an answered one at debug.
 */
export function signedApiEndpoints(provider: Provider): Map<string, SignedApiEndpoint> {
  const { prefix } = provider.options;
  const { logger } = provider;

  const endpoint =
    (
      name: SignedCallEndpoint,
      run: (apiKey: string, params: Map<string, string[]>) => Promise<string>,
    ): SignedApiEndpoint =>
    async (context) => {
      const { path, rawQuery } = splitUrl(context.url);
      let apiKey: string | undefined;
      try {
        const call = await provider.verifier.verify({ path, rawQuery });
        apiKey = call.apiKey.apiKey;
        const params = new Map<string, string[]>();
        for (const [param, value] of call.params) params.set(param, [...(params.get(param) ?? []), value]);
        const body = await run(apiKey, params);
        // Two per login, both routine: the login itself is the info line (`event: "login"`).
        logger.debug?.(
          { event: 'sso_api', endpoint: name, apiKey, outcome: 'ok', address: context.address },
          'signed call answered',
        );
        provider.events.emit({ type: 'signed_call', endpoint: name, outcome: 'ok', apiKey });
        return { status: 200, body };
      } catch (error) {
        if (!isSsoError(error)) throw error;
        provider.events.emit({
          type: 'signed_call',
          endpoint: name,
          outcome: error.code,
          apiKey: apiKey ?? null,
        });
        const details = {
          event: 'sso_api',
          endpoint: name,
          apiKey: apiKey ?? null,
          outcome: error.code,
          status: error.status,
          address: context.address,
        };
        if (error.status >= 500) logger.error({ ...details, err: error }, 'signed call failed');
        else logger.warn(details, 'signed call refused');
        // A store's own text names the store (its URL): the wire gets the one generic text.
        const wireMessage =
          error.code === SsoErrorCode.STORE_UNAVAILABLE ? 'service unavailable' : error.wireMessage;
        return { status: error.status, body: wireErrorJson(wireMessage) };
      }
    };

  const requestToken = endpoint('reqeusttoken', async (apiKey) => {
    const { token } = await provider.requestTokens.issue(apiKey);
    provider.events.emit({ type: 'token_issued', apiKey });
    return pythonJsonDumps({ request_token: token });
  });

  const authToken = endpoint('authtoken', async (apiKey, params) => {
    const requestTokenValues = params.get('request_token') ?? [];
    const authTokenValues = params.get('auth_token') ?? [];
    const [requestTokenValue] = requestTokenValues;
    const [authTokenValue] = authTokenValues;
    if (!requestTokenValue || !authTokenValue) {
      throw new SsoError(SsoErrorCode.PARAMETER_MISSING, WIRE_ERROR_TEXT.PARAMETER_MISSING);
    }
    if (requestTokenValues.length > 1 || authTokenValues.length > 1) {
      throw new SsoError(SsoErrorCode.MALFORMED_REQUEST, 'repeated parameter');
    }
    const userId = await provider.requestTokens.redeem(requestTokenValue, apiKey, authTokenValue);
    const account = await provider.accounts.findById(userId);
    // Deleted or deactivated between sign-in and this call: as if the token had never been bound.
    if (account === undefined || !account.isActive) {
      throw new SsoError(SsoErrorCode.REQUEST_TOKEN_ERROR, WIRE_ERROR_TEXT.REQUEST_TOKEN_ERROR);
    }
    provider.events.emit({ type: 'token_redeemed', apiKey, username: account.username });
    return pythonJsonDumps({ user: await provider.userJson(account) });
  });

  return new Map([
    [`${prefix}reqeusttoken/`, requestToken],
    [`${prefix}requesttoken/`, requestToken],
    [`${prefix}authtoken/`, authToken],
  ]);
}

/** Methods the signed endpoints answer; any other gets 405 with `Allow`. */
export const SIGNED_API_METHODS = 'GET, HEAD';

/** The 405 body, in the original's error shape. */
export const METHOD_NOT_ALLOWED_BODY = wireErrorJson(SSO_ERRORS.METHOD_NOT_ALLOWED.wireText);
