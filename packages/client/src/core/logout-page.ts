import { escapeHtml } from '../http/error-page.ts';

/**
 * The confirmation a `GET` of the logout path shows: signing out takes a click on a button that
 * posts back here, so an `<img src="/accounts/logout/">` on another site signs nobody out.
 */
export function logoutConfirmationPage(action: string): string {
  return (
    '<!doctype html><html lang="en"><head><meta charset="utf-8">' +
    '<meta name="viewport" content="width=device-width, initial-scale=1">' +
    '<title>Sign out?</title></head><body><h1>Sign out?</h1>' +
    `<form method="post" action="${escapeHtml(action)}"><button type="submit">Sign out</button></form>` +
    '</body></html>'
  );
}
