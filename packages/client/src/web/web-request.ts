import type { SsoAnswer, SsoHeaders, SsoHttpRequest } from '../core/sso-http.ts';

/**
 * The headers the core reads, straight from a web `Headers` and only when read: the
 * per-request path reads just `cookie`.
 */
class WebHeaderView {
  constructor(
    private readonly headers: Headers,
    private readonly url: string,
  ) {}
  get cookie() {
    return this.headers.get('cookie') ?? undefined;
  }
  get host() {
    // Fetch runtimes may drop Host; their URL was built from it.
    return this.headers.get('host') ?? (URL.canParse(this.url) ? new URL(this.url).host : undefined);
  }
  get accept() {
    return this.headers.get('accept') ?? undefined;
  }
  get origin() {
    return this.headers.get('origin') ?? undefined;
  }
  get ['content-length']() {
    return this.headers.get('content-length') ?? undefined;
  }
  get ['transfer-encoding']() {
    return this.headers.get('transfer-encoding') ?? undefined;
  }
  get ['sec-fetch-site']() {
    return this.headers.get('sec-fetch-site') ?? undefined;
  }
}

/** The core's view of a web `Request` (absolute URL: the path and query are taken from it). */
export class WebRequestView implements SsoHttpRequest {
  readonly method: string;
  readonly url: string;
  readonly headers: SsoHeaders;
  readonly secure: boolean;

  /**
   * `request`: the request itself, also for the logout notice's body. `nodeHeaders`: the
   * headers as Node parsed them, where the runtime hands them over (@hono/node-server): its
   * `request.headers` builds a web `Headers` of every header on first read.
   */
  constructor(
    readonly request: Request,
    nodeHeaders?: SsoHeaders,
  ) {
    const absolute = request.url;
    const pathStart = absolute.indexOf('/', absolute.indexOf('//') + 2);
    this.method = request.method;
    this.url = pathStart === -1 ? '/' : absolute.slice(pathStart);
    this.headers = nodeHeaders ?? (new WebHeaderView(request.headers, absolute) as unknown as SsoHeaders);
    this.secure = absolute.startsWith('https:');
  }
}

/** A core answer as a web `Response`. */
export function toWebResponse(answer: SsoAnswer): Response {
  const headers = new Headers(answer.headers);
  for (const cookie of answer.setCookies) headers.append('set-cookie', cookie);
  return new Response(answer.body === '' ? null : answer.body, { status: answer.status, headers });
}
