import { escapeHtml, isSsoError, type SsoError } from '@ssokit/protocol';

// Public from here first; the one escaping lives in @ssokit/protocol.
export { escapeHtml };

const TITLES: Record<number, string> = {
  400: 'Bad sign-in request',
  401: 'Sign-in required',
  403: 'Sign-in refused',
  502: 'Sign-in service unavailable',
  503: 'Service temporarily unavailable',
  504: 'Sign-in service did not answer',
};

export interface ErrorPage {
  status: number;
  /** Small self-contained HTML, every dynamic part escaped. */
  html: string;
  /** For API callers: `{ "error": code, "message": text }`. */
  json: { error: string; message: string };
}

/**
 * The page for a failed sign-in step. An `SsoError` keeps its status and message (they never
 * hold secrets); anything else is an unexpected bug and shows as a bare 500.
 */
export function errorPage(error: unknown, options: { retryPath?: string } = {}): ErrorPage {
  const known: SsoError | undefined =
    isSsoError(error) && error.status >= 400 && error.status < 600 ? error : undefined;
  const status = known?.status ?? 500;
  const message = known?.message ?? 'Something went wrong on our side.';
  const title = TITLES[status] ?? (status >= 500 ? 'Server error' : 'Request refused');
  const retry =
    options.retryPath === undefined
      ? ''
      : `<p><a href="${escapeHtml(options.retryPath)}">Sign in again</a></p>`;
  const html =
    '<!doctype html><html lang="en"><head><meta charset="utf-8">' +
    `<title>${escapeHtml(title)}</title></head><body><h1>${escapeHtml(title)}</h1>` +
    `<p>${escapeHtml(message)}</p>${retry}</body></html>`;
  return { status, html, json: { error: known?.code ?? 'INTERNAL_ERROR', message } };
}
