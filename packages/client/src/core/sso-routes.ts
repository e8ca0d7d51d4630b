import { assertAbsolutePath } from '../config/absolute-path.ts';

export type SsoRoute = 'login' | 'callback' | 'logout' | 'logoutNotice';

/**
 * Which requests are the client's own: exact paths that, like Express routes, also match
 * without their trailing slash (`/accounts/logout` is the logout too). Matched on the raw URL
 * without slicing it, since every request of the app passes here.
 */
export class SsoRoutes {
  private readonly routes: { route: SsoRoute; path: string; bare: string | undefined }[];

  constructor(paths: {
    loginPath: string;
    callbackPath: string;
    logoutPath: string;
    /** The provider's logout notices (POST), when the adapter mounts them. */
    logoutNoticePath?: string | undefined;
  }) {
    assertAbsolutePath('loginPath', paths.loginPath);
    assertAbsolutePath('logoutPath', paths.logoutPath);
    const entry = (route: SsoRoute, path: string) => ({
      route,
      path,
      bare: path.length > 1 && path.endsWith('/') ? path.slice(0, -1) : undefined,
    });
    this.routes = [
      entry('login', paths.loginPath),
      entry('callback', paths.callbackPath),
      entry('logout', paths.logoutPath),
    ];
    if (paths.logoutNoticePath !== undefined) this.routes.push(entry('logoutNotice', paths.logoutNoticePath));
  }

  /** The route a request URL (path and query) is for, or undefined. */
  match(url: string): SsoRoute | undefined {
    const query = url.indexOf('?');
    const length = query === -1 ? url.length : query;
    for (const { route, path, bare } of this.routes) {
      if (length === path.length && url.startsWith(path)) return route;
      if (bare !== undefined && length === bare.length && url.startsWith(bare)) return route;
    }
    return undefined;
  }
}
