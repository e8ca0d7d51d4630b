/**
 * Decides where a browser may be sent after sign-in. The original followed any `next`
 * (`302 Location: http://evil.example/landing`); here only this app's own paths, or an origin
 * on the allow-list, pass. Everything else yields undefined and the caller uses its default.
 */
export interface RedirectPolicy {
  /** Origins besides this app's paths, normalised (`https://other.example.com`). */
  allowedOrigins: readonly string[];
}

const MAX_REDIRECT_LENGTH = 2048;
// C0 controls, DEL and C1 controls: browsers strip or reinterpret them inside URLs.
const CONTROL = /[\u0000-\u001f\u007f-\u009f]/;
// Browsers read "\" as "/" in URLs: "/\evil.example" is "//evil.example".
const BACKSLASH = /\\/;

function decodeFully(text: string): string[] {
  // Each decoding round is a form some layer (a proxy, a framework, a browser) might produce.
  const forms = [text];
  let current = text;
  for (let round = 0; round < 3 && current.includes('%'); round++) {
    let decoded: string;
    try {
      decoded = decodeURIComponent(current);
    } catch {
      return [...forms, '\\invalid'];
    }
    if (decoded === current) break;
    forms.push(decoded);
    current = decoded;
  }
  return forms;
}

function isSafeLocalPath(form: string): boolean {
  return form.startsWith('/') && !form.startsWith('//') && !BACKSLASH.test(form) && !CONTROL.test(form);
}

// A Location header carries ASCII only: escape the rest (a lone surrogate cannot be, and fails).
function asciiOnly(path: string): string | undefined {
  try {
    return path.replace(/[^\x21-\x7e]/gu, (ch) => encodeURIComponent(ch));
  } catch {
    return undefined;
  }
}

/** The target to redirect to if it is safe, else undefined. */
export function safeRedirectTarget(target: string | undefined, policy: RedirectPolicy): string | undefined {
  if (target === undefined || target === '' || target.length > MAX_REDIRECT_LENGTH) return undefined;
  if (target !== target.trim()) return undefined;
  const forms = decodeFully(target);
  if (target.startsWith('/')) return forms.every(isSafeLocalPath) ? asciiOnly(target) : undefined;
  if (policy.allowedOrigins.length === 0) return undefined;
  if (forms.some((form) => BACKSLASH.test(form) || CONTROL.test(form))) return undefined;
  if (!URL.canParse(target)) return undefined;
  const url = new URL(target);
  if (url.protocol !== 'https:' && url.protocol !== 'http:') return undefined;
  if (url.username !== '' || url.password !== '') return undefined;
  // Compare on the written form too: "http:evil.example" parses but is not "http://...".
  if (!target.toLowerCase().startsWith(`${url.protocol}//`)) return undefined;
  return policy.allowedOrigins.includes(url.origin) ? url.href : undefined;
}
