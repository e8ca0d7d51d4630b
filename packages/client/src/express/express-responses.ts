import type { Response } from 'express';
import type { SsoAnswer } from '../core/sso-http.ts';

/** Sends a core answer as it is (the Location byte-exact: no re-encoding by Express). */
export function sendAnswer(res: Response, answer: SsoAnswer): void {
  for (const cookie of answer.setCookies) res.append('Set-Cookie', cookie);
  res.status(answer.status);
  for (const name in answer.headers) res.setHeader(name, answer.headers[name] as string);
  res.end(answer.body);
}
