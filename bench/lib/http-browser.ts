import { Agent, request } from 'node:http';
import { parseSetCookie } from 'cookie';

/** One HTTP response as the benchmark's "browser" sees it: the body read in full. */
export interface BrowserResponse {
  status: number;
  url: URL;
  location: URL | undefined;
  body: string;
}

/**
 * Shared by every simulated browser: keep-alive connections, as a real browser keeps them, so
 * a login is not charged for TCP handshakes that no user pays for either.
 */
const agent = new Agent({ keepAlive: true, maxSockets: 64 });

/**
 * A minimal headless browser for login flows: a cookie jar and plain requests, with redirects
 * followed by the caller step by step so each hop can be checked. Cookies are kept per origin
 * (`host:port`), which is stricter than a browser (per host); provider and client both run on
 * 127.0.0.1 with different ports, and keeping their cookies apart spares each side the
 * other's cookies, as separate host names would in production. Only plain http on 127.0.0.1.
 */
export class HttpBrowser {
  private readonly jar = new Map<string, Map<string, string>>();

  /** The cookies this browser holds for an origin, as a `Cookie` header value. */
  cookieHeader(url: URL): string {
    const cookies = this.jar.get(url.host);
    if (cookies === undefined) return '';
    return [...cookies].map(([name, value]) => `${name}=${value}`).join('; ');
  }

  /** Copies another browser's cookies (a browser that already signed in at the provider). */
  copyCookiesFrom(other: HttpBrowser): void {
    for (const [origin, cookies] of other.jar) this.jar.set(origin, new Map(cookies));
  }

  /** Drops every cookie of one origin (a fresh session at that site, the others kept). */
  forget(origin: URL): void {
    this.jar.delete(origin.host);
  }

  async get(url: string | URL): Promise<BrowserResponse> {
    return this.send('GET', new URL(url), undefined);
  }

  /** POSTs an HTML form (`application/x-www-form-urlencoded`). */
  async postForm(url: string | URL, fields: Record<string, string>): Promise<BrowserResponse> {
    return this.send('POST', new URL(url), new URLSearchParams(fields).toString());
  }

  /** Follows redirects from a response until one is not a redirect (at most `maxHops`). */
  async follow(response: BrowserResponse, maxHops = 10): Promise<BrowserResponse> {
    let current = response;
    for (let hop = 0; current.location !== undefined && isRedirect(current.status); hop++) {
      if (hop >= maxHops) throw new Error(`more than ${maxHops} redirects from ${response.url.pathname}`);
      current = await this.get(current.location);
    }
    return current;
  }

  private send(method: string, url: URL, body: string | undefined): Promise<BrowserResponse> {
    if (url.protocol !== 'http:' || url.hostname !== '127.0.0.1') {
      throw new Error(`the bench browser only talks to http://127.0.0.1, not ${url.origin}`);
    }
    const headers: Record<string, string> = {};
    const cookie = this.cookieHeader(url);
    if (cookie) headers.cookie = cookie;
    if (body !== undefined) {
      headers['content-type'] = 'application/x-www-form-urlencoded';
      headers['content-length'] = String(Buffer.byteLength(body));
    }
    return new Promise((resolve, reject) => {
      const req = request(url, { method, headers, agent }, (res) => {
        this.store(url, res.headers['set-cookie']);
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.on('error', reject);
        res.on('end', () => {
          const location = res.headers.location;
          resolve({
            status: res.statusCode ?? 0,
            url,
            location: location === undefined ? undefined : new URL(location, url),
            body: Buffer.concat(chunks).toString('utf8'),
          });
        });
      });
      req.setTimeout(30_000, () => req.destroy(new Error(`${method} ${url.pathname} timed out`)));
      req.on('error', reject);
      req.end(body);
    });
  }

  private store(url: URL, setCookies: string[] | undefined): void {
    if (setCookies === undefined) return;
    let cookies = this.jar.get(url.host);
    if (cookies === undefined) {
      cookies = new Map();
      this.jar.set(url.host, cookies);
    }
    for (const line of setCookies) {
      const parsed = parseSetCookie(line);
      const expired =
        parsed.value === undefined ||
        parsed.value === '' ||
        (parsed.maxAge !== undefined && parsed.maxAge <= 0) ||
        (parsed.expires !== undefined && parsed.expires.getTime() <= Date.now());
      if (expired || parsed.value === undefined) cookies.delete(parsed.name);
      else cookies.set(parsed.name, parsed.value);
    }
  }
}

export function isRedirect(status: number): boolean {
  return status === 301 || status === 302 || status === 303 || status === 307 || status === 308;
}

/** Throws unless the response has the expected status, naming the step that went wrong. */
export function expectStatus(
  step: string,
  response: BrowserResponse,
  ...statuses: number[]
): BrowserResponse {
  if (!statuses.includes(response.status)) {
    const excerpt = response.body.slice(0, 200).replace(/\s+/g, ' ');
    throw new Error(`${step}: ${response.url.pathname} answered ${response.status} (${excerpt})`);
  }
  return response;
}

/** Closes the kept-alive connections so the process can exit. */
export function closeBrowserConnections(): void {
  agent.destroy();
}
