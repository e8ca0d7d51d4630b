/**
 * A minimal browser for HTTP tests: one cookie jar per host name (as browsers do: ports share
 * cookies), manual redirects so each hop can be inspected, and form helpers for the provider's
 * login page.
 */
export interface BrowserResponse {
  url: string;
  status: number;
  /** The Location header resolved against the request URL. */
  location: string | undefined;
  /** The Location header exactly as sent. */
  rawLocation: string | undefined;
  headers: Headers;
  setCookies: string[];
  body: string;
}

export interface BrowserRequest {
  method?: string;
  form?: Record<string, string>;
  accept?: string;
  headers?: Record<string, string>;
}

export class TestBrowser {
  private readonly jars = new Map<string, Map<string, string>>();

  async request(url: string, init: BrowserRequest = {}): Promise<BrowserResponse> {
    const target = new URL(url);
    const headers: Record<string, string> = { accept: init.accept ?? 'text/html', ...init.headers };
    const cookie = [...this.jar(target.hostname)].map(([name, value]) => `${name}=${value}`).join('; ');
    if (cookie !== '') headers.cookie = cookie;
    let body: string | undefined;
    if (init.form !== undefined) {
      body = new URLSearchParams(init.form).toString();
      headers['content-type'] = 'application/x-www-form-urlencoded';
    }
    const response = await fetch(url, {
      method: init.method ?? (body === undefined ? 'GET' : 'POST'),
      headers,
      body,
      redirect: 'manual',
    });
    const setCookies = response.headers.getSetCookie();
    for (const line of setCookies) this.store(target.hostname, line);
    const rawLocation = response.headers.get('location') ?? undefined;
    return {
      url,
      status: response.status,
      rawLocation,
      location: rawLocation === undefined ? undefined : new URL(rawLocation, url).href,
      headers: response.headers,
      setCookies,
      body: await response.text(),
    };
  }

  /** Follows redirects from a response until a non-redirect; returns every hop. */
  async follow(response: BrowserResponse, limit = 10): Promise<BrowserResponse[]> {
    const hops = [response];
    let current = response;
    while (current.status >= 300 && current.status < 400 && current.location !== undefined) {
      if (hops.length > limit) throw new Error('too many redirects');
      current = await this.request(current.location);
      hops.push(current);
    }
    return hops;
  }

  cookie(host: string, name: string): string | undefined {
    return this.jar(host).get(name);
  }

  setCookie(host: string, name: string, value: string): void {
    this.jar(host).set(name, value);
  }

  private jar(host: string): Map<string, string> {
    let jar = this.jars.get(host);
    if (jar === undefined) {
      jar = new Map();
      this.jars.set(host, jar);
    }
    return jar;
  }

  private store(host: string, line: string): void {
    const [pair = '', ...attributes] = line.split(';').map((part) => part.trim());
    const eq = pair.indexOf('=');
    const name = pair.slice(0, eq);
    const value = pair.slice(eq + 1);
    const expired = attributes.some(
      (attribute) =>
        /^max-age=(0|-\d+)$/i.test(attribute) ||
        (/^expires=/i.test(attribute) && Date.parse(attribute.slice(8)) <= Date.now()),
    );
    if (expired || value === '') this.jar(host).delete(name);
    else this.jar(host).set(name, value);
  }
}

/** The href of a link by its text, HTML entities decoded. */
export function linkHref(html: string, text: string): string | undefined {
  const match = new RegExp(`<a [^>]*href="([^"]*)"[^>]*>${text}</a>`).exec(html);
  return match?.[1]?.replaceAll('&amp;', '&');
}
