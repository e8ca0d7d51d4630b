/**
 * Reading the provider's pages as a browser would, for the bench and the reliability runs:
 * the hidden fields and the login form a user fills in.
 */

/** The HTML the provider escaped in an attribute, read back (its links carry `&amp;`). */
function unescapeAttribute(text: string): string {
  return text
    .replaceAll('&amp;', '&')
    .replaceAll('&quot;', '"')
    .replaceAll('&#39;', "'")
    .replaceAll('&lt;', '<')
    .replaceAll('&gt;', '>');
}

/** A hidden field of a provider page, read back; undefined when the page has none. */
export function hiddenField(body: string, name: string): string | undefined {
  const match = new RegExp(`name="${name}" value="([^"]*)"`).exec(body);
  return match?.[1] === undefined ? undefined : unescapeAttribute(match[1]);
}

/** The fields a user posts from a provider's login form, or undefined when it has none. */
export function loginFormFields(
  body: string,
  username: string,
  password: string,
): { action: string; fields: Record<string, string> } | undefined {
  const action = /<form action="([^"]*)" method="post">/.exec(body)?.[1];
  const csrf = hiddenField(body, 'csrf_token');
  if (action === undefined || csrf === undefined || !body.includes('name="password"')) return undefined;
  const fields: Record<string, string> = { csrf_token: csrf, username, password };
  const next = hiddenField(body, 'next');
  if (next !== undefined) fields.next = next;
  return { action: unescapeAttribute(action), fields };
}
