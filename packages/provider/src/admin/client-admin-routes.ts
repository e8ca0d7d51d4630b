import type { Request, Response } from 'express';
import type { Provider } from '../create-provider.ts';
import { type AdminLog, type AdminRouteKit, BadFormInput, param, text } from './admin-route-kit.ts';
import { clientsPage, secretOncePage } from './client-admin-pages.ts';

/**
 * `/admin/clients/`: register a client app bound to its host, rotate its secret, retire the
 * old ones, remove it. The secret is shown once, in the answer to the POST that made it.
 */
export function clientAdminRoutes(provider: Provider, kit: AdminRouteKit, log: AdminLog): void {
  const { clientStore } = provider;
  // A client store with single logout registers where each client receives logout notices.
  const takesLogoutUrl = () =>
    typeof (clientStore as { setLogoutUrl?: unknown } | undefined)?.setLogoutUrl === 'function';

  kit.page('/admin/clients/', async (req, res) => {
    kit.send(
      req,
      res,
      200,
      'Client apps',
      clientsPage({
        clients: await clientStore?.list(),
        csrfToken: await kit.csrfToken(req, res),
        takesLogoutUrl: takesLogoutUrl(),
      }),
    );
  });

  const requireClientStore = () => {
    if (clientStore === undefined)
      throw new BadFormInput('Client apps are given in code here; change them there.');
    return clientStore;
  };
  // The secret is in this answer only: not in a redirect's URL, not in a log line.
  const showSecret = (
    req: Request,
    res: Response,
    heading: string,
    apiKey: string,
    secrets: readonly string[],
  ) => {
    res.setHeader('Cache-Control', 'no-store');
    kit.send(
      req,
      res,
      200,
      heading,
      secretOncePage({ heading, apiKey, secret: secrets[0] ?? '', olderSecrets: secrets.length - 1 }),
    );
  };

  kit.action('/admin/clients/', async (req, res, admin, form) => {
    const store = requireClientStore();
    const host = text(form, 'host');
    if (host === '') throw new BadFormInput('Enter the host of the client app, e.g. app.example.org.');
    const scheme = text(form, 'scheme');
    if (scheme !== '' && scheme !== 'http' && scheme !== 'https')
      throw new BadFormInput('scheme must be http, https or empty.');
    const callbackPath = text(form, 'callback_path');
    const note = text(form, 'note');
    const logoutUrl = text(form, 'logout_url');
    if (logoutUrl !== '' && !takesLogoutUrl())
      throw new BadFormInput('This provider does not send logout notices.');
    const added = await store.add({
      host,
      ...(scheme === '' ? {} : { scheme }),
      ...(callbackPath === '' ? {} : { callbackPath }),
      ...(note === '' ? {} : { note }),
      // Single logout's field, where the client store has it (checked by the store).
      ...(logoutUrl === '' ? {} : { logoutUrl }),
    } as Parameters<typeof store.add>[0]);
    log(req, admin, 'admin_client_registered', { apiKey: added.apiKey, host: added.host ?? null });
    showSecret(req, res, 'Client app registered', added.apiKey, added.secrets);
  });

  const clientAction = (
    name: string,
    run: (apiKey: string) => Promise<{ secrets: readonly string[] } | boolean | undefined>,
  ) =>
    kit.action(`/admin/clients/:key/${name}`, async (req, res, admin) => {
      requireClientStore();
      const apiKey = param(req, 'key');
      const result = await run(apiKey);
      if (result === undefined || result === false)
        throw new BadFormInput('There is no client app with that API key.');
      log(req, admin, `admin_client_${name}`, { apiKey });
      if (name === 'rotate' && typeof result === 'object')
        showSecret(req, res, 'New secret', apiKey, result.secrets);
      else kit.done(res, '/admin/clients/', name === 'remove' ? 'client-removed' : 'secrets-retired');
    });
  clientAction('rotate', (apiKey) => requireClientStore().rotateSecret(apiKey));
  clientAction('retire', (apiKey) => requireClientStore().retireOldSecrets(apiKey));
  clientAction('remove', (apiKey) => requireClientStore().remove(apiKey));
}
