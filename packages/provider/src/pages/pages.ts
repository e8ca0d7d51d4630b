import type { Account } from '../accounts/account.ts';
import { html, type SafeHtml } from './html.ts';

/** The hidden form field that carries the CSRF token. */
export const CSRF_FIELD = 'csrf_token';

export interface LoginFormPageInput {
  /** Where the form posts; '' posts back to the same URL (the SSO page keeps its query). */
  action: string;
  csrfToken: string;
  /** The username typed before, shown again after a failed attempt. */
  username?: string;
  error?: string;
  /** Kept in a hidden field, as the original form did. */
  next?: string;
  /** Shown on the SSO page: time left before the request token expires. */
  minutesLeft?: number;
  /** Shown above the form on the SSO page: which client app asked. */
  intro?: string;
}

function timeLeft(minutes: number | undefined): SafeHtml {
  if (minutes === undefined) return html``;
  const text = minutes <= 1 ? 'less than a minute' : `${minutes} minutes`;
  return html`<p class="note">Please finish signing in within ${text}.</p>`;
}

export function loginFormPage(input: LoginFormPageInput): SafeHtml {
  return html`<h2>Sign in</h2>
${input.intro ? html`<p class="note">${input.intro}</p>` : false}
${input.error ? html`<p class="error" role="alert">${input.error}</p>` : false}
<form action="${input.action}" method="post">
<input type="hidden" name="${CSRF_FIELD}" value="${input.csrfToken}">
<label for="id_username">Username</label>
<input type="text" name="username" id="id_username" value="${input.username ?? ''}" autocomplete="username" autocapitalize="none" maxlength="150" required autofocus>
<label for="id_password">Password</label>
<input type="password" name="password" id="id_password" autocomplete="current-password" required>
${input.next !== undefined ? html`<input type="hidden" name="next" value="${input.next}">` : false}
<button type="submit">Log in</button>
</form>
${timeLeft(input.minutesLeft)}`;
}

export interface ContinueAsPageInput {
  username: string;
  csrfToken: string;
  minutesLeft: number;
}

/**
 * "Continue with current user?": one form posting back to the same URL (the SSO page keeps
 * its query), its two buttons sending `cwca=yes` or `cwca=no`. The original had two links,
 * so that any page could sign a visitor in with a plain GET; a POST needs this page's token.
 */
export function continueAsPage(input: ContinueAsPageInput): SafeHtml {
  return html`<h2>Continue with current user? ${input.username}</h2>
<form method="post" action="">
<input type="hidden" name="${CSRF_FIELD}" value="${input.csrfToken}">
<p>
<button class="button" type="submit" name="cwca" value="yes">continue</button>
<button class="button secondary" type="submit" name="cwca" value="no">switch account</button>
</p>
</form>
${timeLeft(input.minutesLeft)}`;
}

/** The SSO page's answer to a `next` outside the client's registered callback path. */
export function wrongCallbackPage(host: string, callbackPath: string): SafeHtml {
  return html`<p class="error" role="alert">This sign-in link is not valid: ${host} only returns to the app’s sign-in callback (${callbackPath}).</p>
<p class="note">Go back to the app and sign in from there. If this keeps happening, the app’s callback path differs from the one registered at this provider.</p>`;
}

export function homePage(account: Account | undefined): SafeHtml {
  if (account === undefined) {
    return html`<p>You are not logged in.</p>
<p><a class="button" href="/login/">Log in</a></p>`;
  }
  const fullName = `${account.firstName} ${account.lastName}`.trim();
  return html`<p>Signed in as <strong>${account.username}</strong>.</p>
<dl>
<dt>Username</dt><dd>${account.username}</dd>
${fullName ? html`<dt>Name</dt><dd>${fullName}</dd>` : false}
${account.email ? html`<dt>Email</dt><dd>${account.email}</dd>` : false}
<dt>Last login</dt><dd>${account.lastLogin === null ? 'never' : account.lastLogin.toISOString()}</dd>
</dl>
<p><a class="button secondary" href="/logout/">Log out</a></p>`;
}

/**
 * The sign-out confirmation (a GET never signs out: a link from another site cannot). With
 * `returnTo` (a client app's checked address, from its `signOutAtProvider`) the form carries it
 * and the browser goes back there after signing out.
 */
export function logoutPage(
  username: string | undefined,
  csrfToken: string,
  returnTo?: { apiKey: string; url: string },
): SafeHtml {
  if (username === undefined) {
    return html`<p>You are not logged in.</p>
<p><a class="button" href="/login/">Log in</a></p>`;
  }
  const back = returnTo === undefined ? undefined : new URL(returnTo.url).host;
  return html`<p>Log out <strong>${username}</strong>? Apps you signed in to from here are signed out too, where they take single logout notices.</p>
${back === undefined ? false : html`<p class="note">Then you go back to ${back}.</p>`}
<form action="/logout/" method="post">
<input type="hidden" name="${CSRF_FIELD}" value="${csrfToken}">
${
  returnTo === undefined
    ? false
    : html`<input type="hidden" name="api_key" value="${returnTo.apiKey}">
<input type="hidden" name="next" value="${returnTo.url}">`
}
<button type="submit">Log out</button>
</form>`;
}

/** An error or notice: one sentence, and a way back. */
export function messagePage(message: string, hint?: string): SafeHtml {
  return html`<p class="error" role="alert">${message}</p>
${hint ? html`<p class="note">${hint}</p>` : false}
<p><a href="/">Home</a></p>`;
}
