import { isSsoError, SsoError, SsoErrorCode, WIRE_ERROR_TEXT, wireErrorJson } from '@ssokit/protocol';
import { type Request, type Response, Router } from 'express';
import type { Provider } from '../create-provider.ts';
import { splitUrl } from '../http/request-parameters.ts';
import { pythonJsonDumps } from '../wire/python-json.ts';

function sendJson(res: Response, status: number, body: string): void {
  // Exactly the original's header: `application/json`, no charset (the body is ASCII).
  res.status(status).setHeader('Content-Type', 'application/json');
  res.end(body);
}

function methodNotAllowed(_req: Request, res: Response): void {
  res.setHeader('Allow', 'GET, HEAD');
  sendJson(res, 405, wireErrorJson('method not allowed'));
}

/**
 * The back-channel endpoints, signed the dj-api-auth way: `reqeusttoken/` (and the correctly
 * spelt alias) hands out a request token, `authtoken/` trades a bound one for the user.
 * Answers and error texts are the original's, byte for byte.
 */
export function ssoApiRoutes(provider: Provider): Router {
  const { prefix } = provider.options;
  const { logger } = provider;
  const router = Router();

  const handle =
    (endpoint: string, run: (apiKey: string, params: Map<string, string[]>) => Promise<string>) =>
    async (req: Request, res: Response) => {
      const { path, rawQuery } = splitUrl(req.originalUrl);
      let apiKey: string | undefined;
      try {
        const call = await provider.verifier.verify({ path, rawQuery });
        apiKey = call.apiKey.apiKey;
        const params = new Map<string, string[]>();
        for (const [name, value] of call.params) params.set(name, [...(params.get(name) ?? []), value]);
        const body = await run(apiKey, params);
        logger.info(
          { event: 'sso_api', endpoint, apiKey, outcome: 'ok', address: req.ip },
          'signed call answered',
        );
        sendJson(res, 200, body);
      } catch (error) {
        if (!isSsoError(error)) throw error;
        const details = {
          event: 'sso_api',
          endpoint,
          apiKey: apiKey ?? null,
          outcome: error.code,
          status: error.status,
          address: req.ip,
        };
        if (error.status >= 500) logger.error({ ...details, err: error }, 'signed call failed');
        else logger.warn(details, 'signed call refused');
        sendJson(res, error.status, wireErrorJson(error.wireMessage));
      }
    };

  const requestToken = handle('reqeusttoken', async (apiKey) => {
    const { token } = await provider.requestTokens.issue(apiKey);
    return pythonJsonDumps({ request_token: token });
  });

  const authToken = handle('authtoken', async (apiKey, params) => {
    const requestTokenValues = params.get('request_token') ?? [];
    const authTokenValues = params.get('auth_token') ?? [];
    const [requestTokenValue] = requestTokenValues;
    const [authTokenValue] = authTokenValues;
    if (!requestTokenValue || !authTokenValue) {
      throw new SsoError(SsoErrorCode.PARAMETER_MISSING, WIRE_ERROR_TEXT.PARAMETER_MISSING, { status: 403 });
    }
    if (requestTokenValues.length > 1 || authTokenValues.length > 1) {
      throw new SsoError(SsoErrorCode.MALFORMED_REQUEST, 'repeated parameter', { status: 400 });
    }
    const userId = await provider.requestTokens.redeem(requestTokenValue, apiKey, authTokenValue);
    const account = await provider.accounts.findById(userId);
    // Deleted or deactivated between sign-in and this call: as if the token had never been bound.
    if (account === undefined || !account.isActive) {
      throw new SsoError(SsoErrorCode.REQUEST_TOKEN_ERROR, WIRE_ERROR_TEXT.REQUEST_TOKEN_ERROR, {
        status: 403,
      });
    }
    return pythonJsonDumps({ user: await provider.userJson(account) });
  });

  for (const name of ['reqeusttoken', 'requesttoken']) {
    router.get(`${prefix}${name}/`, requestToken);
    router.all(`${prefix}${name}/`, methodNotAllowed);
  }
  router.get(`${prefix}authtoken/`, authToken);
  router.all(`${prefix}authtoken/`, methodNotAllowed);
  return router;
}
