import { parseSetCookie } from 'cookie';

export interface BrowserResponse {
  status: number;
  headers: Headers;
  body: string;
  location: string | null;
  setCookies: string[];
}

/**
 * A tiny browser for the tests: a cookie jar (name -> value; one host), no automatic
 * redirects, so each step's status and Location can be checked.
 */
export class TestBrowser {
  readonly cookies = new Map<string, string>();

  constructor(readonly baseUrl: string) {}

  async request(
    method: string,
    path: string,
    init: {
      form?: Record<string, string>;
      headers?: Record<string, string>;
      body?: string | Buffer;
    } = {},
  ): Promise<BrowserResponse> {
    const headers: Record<string, string> = { ...init.headers };
    if (this.cookies.size > 0) {
      headers.cookie = [...this.cookies].map(([name, value]) => `${name}=${value}`).join('; ');
    }
    let body: string | Buffer | undefined = init.body;
    if (init.form !== undefined) {
      body = new URLSearchParams(init.form).toString();
      headers['content-type'] ??= 'application/x-www-form-urlencoded';
    }
    const response = await fetch(new URL(path, this.baseUrl), {
      method,
      headers,
      body: body === undefined || typeof body === 'string' ? body : new Uint8Array(body),
      redirect: 'manual',
    });
    const setCookies = response.headers.getSetCookie();
    for (const line of setCookies) {
      const cookie = parseSetCookie(line);
      if (cookie.maxAge === 0 || cookie.value === '') this.cookies.delete(cookie.name);
      else if (cookie.value !== undefined) this.cookies.set(cookie.name, cookie.value);
    }
    return {
      status: response.status,
      headers: response.headers,
      body: await response.text(),
      location: response.headers.get('location'),
      setCookies,
    };
  }

  get(path: string, headers?: Record<string, string>) {
    return this.request('GET', path, headers === undefined ? {} : { headers });
  }

  post(path: string, form: Record<string, string>) {
    return this.request('POST', path, { form });
  }

  /** The value of the page's hidden CSRF field. */
  static csrfField(html: string): string {
    const match = /name="csrf_token" value="([0-9a-f]+)"/.exec(html);
    if (match?.[1] === undefined) throw new Error('page has no CSRF field');
    return match[1];
  }
}
