import { Agent, request } from 'node:http';
import { parseSetCookie } from 'cookie';

/** A process of the suite that a browser request can be sent to. */
export interface Backend {
  /** `client-a`, `provider-2`… */
  name: string;
  port: number;
  /** `client` or `provider`: the site (public origin) the process serves. */
  site: string;
  /**
   * Where a balancer sends the request when this process refuses the connection (it is
   * down): the site's other process. Nothing was sent, so nothing is repeated.
   */
  fallback?: Backend;
}

/** What one request came back with: an HTTP answer, or no answer at all. */
export interface StepResult {
  backend: string;
  step: string;
  /** The HTTP status, or `refused`, `reset`, `timeout`, `error` when nothing came back. */
  outcome: number | 'refused' | 'reset' | 'timeout' | 'error';
  ms: number;
  location: URL | undefined;
  /** For a missing answer: the error, and whether the connection was a reused one. */
  detail?: string;
  /** The `Retry-After` header, in seconds, when there was one. */
  retryAfter: number | undefined;
  body: string;
}

/** How long the browser waits for an answer before it gives up (counted as `timeout`). */
export const BROWSER_TIMEOUT_MS = 20_000;

const agent = new Agent({ keepAlive: true, maxSockets: 512 });

function noAnswer(error: NodeJS.ErrnoException): StepResult['outcome'] {
  if (error.code === 'ECONNREFUSED') return 'refused';
  if (error.code === 'ECONNRESET' || error.code === 'EPIPE' || error.message === 'socket hang up')
    return 'reset';
  if (error.code === 'TIMEOUT') return 'timeout';
  return 'error';
}

/**
 * A headless browser for a deployment of several processes: one cookie jar per site (both
 * client processes serve one origin, both providers another), and each request sent to the
 * process the caller names, with the site's public `Host`, as a load balancer would route it.
 * Every browser has its own client address (`X-Forwarded-For`, read by the providers, which
 * trust one proxy hop).
 */
export class SiteBrowser {
  private readonly jars = new Map<string, Map<string, string>>();

  constructor(
    /** The public host (`127.0.0.1:PORT`) of each site. */
    private readonly publicHosts: ReadonlyMap<string, string>,
    readonly address: string,
  ) {}

  get(backend: Backend, step: string, url: URL): Promise<StepResult> {
    return this.send(backend, step, 'GET', url, undefined);
  }

  postForm(backend: Backend, step: string, url: URL, fields: Record<string, string>): Promise<StepResult> {
    return this.send(backend, step, 'POST', url, new URLSearchParams(fields).toString());
  }

  private async send(
    backend: Backend,
    step: string,
    method: string,
    url: URL,
    body: string | undefined,
  ): Promise<StepResult> {
    let result = await this.sendOnce(backend, step, method, url, body);
    // A kept-alive connection the server closed as it was reused (its idle timeout): nothing
    // was answered, and a browser sends the request again on a new connection.
    if (result.staleConnection) result = await this.sendOnce(backend, step, method, url, body);
    if (result.outcome === 'refused' && backend.fallback !== undefined)
      result = await this.sendOnce(backend.fallback, step, method, url, body);
    const { staleConnection: _, ...answer } = result;
    return answer;
  }

  private sendOnce(
    backend: Backend,
    step: string,
    method: string,
    url: URL,
    body: string | undefined,
  ): Promise<StepResult & { staleConnection?: boolean }> {
    const host = this.publicHosts.get(backend.site);
    if (host === undefined) throw new Error(`no public host for site ${backend.site}`);
    const headers: Record<string, string> = { host, 'x-forwarded-for': this.address };
    const jar = this.jars.get(backend.site);
    if (jar !== undefined && jar.size > 0)
      headers.cookie = [...jar].map(([name, value]) => `${name}=${value}`).join('; ');
    if (body !== undefined) {
      headers['content-type'] = 'application/x-www-form-urlencoded';
      headers['content-length'] = String(Buffer.byteLength(body));
    }
    const started = performance.now();
    const target = `http://127.0.0.1:${backend.port}${url.pathname}${url.search}`;
    return new Promise((resolve) => {
      let settled = false;
      let answering = false;
      const done = (result: Omit<StepResult, 'backend' | 'step' | 'ms'> & { staleConnection?: boolean }) => {
        if (settled) return;
        settled = true;
        resolve({ backend: backend.name, step, ms: performance.now() - started, ...result });
      };
      const req = request(target, { method, headers, agent }, (res) => {
        answering = true;
        this.store(backend.site, res.headers['set-cookie']);
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.on('error', (error: NodeJS.ErrnoException) =>
          done({
            outcome: noAnswer(error),
            location: undefined,
            retryAfter: undefined,
            body: '',
            detail: `${error.code ?? ''} ${error.message} after the answer began`.trim(),
          }),
        );
        res.on('end', () => {
          const location = res.headers.location;
          const retryAfter = res.headers['retry-after'];
          done({
            retryAfter: retryAfter === undefined ? undefined : Number(retryAfter),
            outcome: res.statusCode ?? 0,
            location: location === undefined ? undefined : new URL(location, `http://${host}`),
            body: Buffer.concat(chunks).toString('utf8'),
          });
        });
      });
      req.setTimeout(BROWSER_TIMEOUT_MS, () =>
        req.destroy(Object.assign(new Error('timed out'), { code: 'TIMEOUT' })),
      );
      req.on('error', (error: NodeJS.ErrnoException) => {
        const outcome = noAnswer(error);
        const staleConnection = req.reusedSocket && !answering && outcome === 'reset';
        const detail = `${error.code ?? ''} ${error.message}${req.reusedSocket ? ' on a reused connection' : ''}`;
        done({
          outcome,
          location: undefined,
          retryAfter: undefined,
          body: '',
          staleConnection,
          detail: detail.trim(),
        });
      });
      req.end(body);
    });
  }

  private store(site: string, setCookies: string[] | undefined): void {
    if (setCookies === undefined) return;
    let jar = this.jars.get(site);
    if (jar === undefined) {
      jar = new Map();
      this.jars.set(site, jar);
    }
    for (const line of setCookies) {
      const cookie = parseSetCookie(line);
      const expired =
        cookie.value === undefined ||
        cookie.value === '' ||
        (cookie.maxAge !== undefined && cookie.maxAge <= 0) ||
        (cookie.expires !== undefined && cookie.expires.getTime() <= Date.now());
      if (expired || cookie.value === undefined) jar.delete(cookie.name);
      else jar.set(cookie.name, cookie.value);
    }
  }
}

/** Closes the kept-alive connections so the process can exit. */
export function closeBrowserConnections(): void {
  agent.destroy();
}
