import { escapeHtml, type SsoRequestContext, type SsoUser } from 'ssokit';

/** The attributes the demo provider sends with each user (the original's default user JSON). */
export interface DemoUserExtras {
  first_name: string;
  last_name: string;
  email: string;
  last_login: string | null;
}

const style = `body{font-family:system-ui,sans-serif;max-width:40rem;margin:2rem auto;padding:0 1rem;line-height:1.5}
dl{display:grid;grid-template-columns:max-content 1fr;gap:.25rem 1rem}dt{font-weight:600}
button{font:inherit;padding:.3rem .9rem}.notice{background:#fff4d6;padding:.75rem 1rem;border-radius:.4rem}`;

export function page(title: string, body: string): string {
  return `<!DOCTYPE html><html lang="en"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1"><title>${escapeHtml(title)}</title>
<style>${style}</style></head><body><h1>ssokit client demo</h1>${body}</body></html>`;
}

/** The original example's home: a login link, or "hello USER" with the user's details and logout. */
export function homePage(providerUrl: string, user: SsoUser<DemoUserExtras> | undefined): string {
  const provider = `<p>SSO server: <a href="${escapeHtml(providerUrl)}">${escapeHtml(providerUrl)}</a></p><hr>`;
  if (user === undefined) {
    return page(
      'ssokit client demo',
      `${provider}<p>You are not logged in. <a href="/accounts/login/?next=/">login</a></p>`,
    );
  }
  const rows: [string, unknown][] = [
    ['username', user.username],
    ['first name', user.first_name],
    ['last name', user.last_name],
    ['email', user.email],
    ['last login', user.last_login ?? 'never'],
  ];
  const details = rows
    .map(([name, value]) => `<dt>${name}</dt><dd>${escapeHtml(String(value ?? ''))}</dd>`)
    .join('');
  return page(
    `hello ${user.username}`,
    `${provider}<p>hello <strong id="username">${escapeHtml(user.username)}</strong></p><dl>${details}</dl>
<form method="post" action="/accounts/logout/"><button type="submit">logout</button></form>`,
  );
}

/** Shown instead of "not logged in" while the session store is down: nobody knows who is signed in. */
export function unavailablePage(providerUrl: string): string {
  return page(
    'Sign-in temporarily unavailable',
    `<p>SSO server: <a href="${escapeHtml(providerUrl)}">${escapeHtml(providerUrl)}</a></p><hr>
<p class="notice">Sign-in is temporarily unavailable. Please try again in a moment.</p>`,
  );
}

/** Shown when the app is opened on another host than the one its API key is bound to. */
export function wrongHostPage(boundOrigin: string): string {
  const link = escapeHtml(`${boundOrigin}/`);
  return page(
    'Open the demo on its bound host',
    `<p class="notice">This app's API key is bound to <strong>${escapeHtml(boundOrigin)}</strong>: the provider only
sends users back there. Open <a href="${link}">${link}</a> instead.</p>`,
  );
}

/**
 * The home page's status and HTML, the same through every framework: "sign-in temporarily
 * unavailable" while the session store is down, else who is signed in.
 */
export function homeAnswer(
  providerUrl: string,
  user: SsoUser | undefined,
  sso: Pick<SsoRequestContext, 'unavailable'> | undefined,
): { status: number; html: string } {
  if (sso?.unavailable) return { status: 503, html: unavailablePage(providerUrl) };
  // An app of its own would declare these attributes once for every user (see the client
  // README, "The user"); the example shares its type-check with other code, so it says it here.
  return { status: 200, html: homePage(providerUrl, user as SsoUser<DemoUserExtras> | undefined) };
}
