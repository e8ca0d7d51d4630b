import type { IncomingMessage } from 'node:http';
import { SsoError } from '@ssokit/protocol';
import type { NextFunction, Request, RequestHandler, Response } from 'express';
import getRawBody from 'raw-body';
import { malformedRequest, singleParameters } from './request-parameters.ts';

declare global {
  namespace Express {
    interface Request {
      /** Set by the provider's form reader: the decoded fields of a login or logout form. */
      formFields?: Map<string, string>;
    }
  }
}

const strictUtf8 = new TextDecoder('utf-8', { fatal: true });
const FORM_TYPE = /^application\/x-www-form-urlencoded\s*(;|$)/i;

function unsupported(text: string): SsoError {
  return new SsoError('UNSUPPORTED_MEDIA_TYPE', text, { wireMessage: text });
}

/** Whether the request says it has a body (RFC 9112: a length or a transfer coding). */
function hasBody(req: IncomingMessage): boolean {
  return req.headers['transfer-encoding'] !== undefined || (req.headers['content-length'] ?? '0') !== '0';
}

/**
 * Reads an `application/x-www-form-urlencoded` body of at most `limitBytes`, strictly: invalid
 * UTF-8, bad escapes and repeated fields are a 400, a body too large is a 413 (raw-body's
 * error, read no further), another content type or a compressed body a 415. Framework-free:
 * the Express forms and the provider's fast path read their bodies with it alike.
 */
export async function readFormFields(req: IncomingMessage, limitBytes: number): Promise<Map<string, string>> {
  if (!FORM_TYPE.test(req.headers['content-type'] ?? '')) {
    throw unsupported('forms must be application/x-www-form-urlencoded');
  }
  const encoding = req.headers['content-encoding'];
  if (encoding !== undefined && encoding.toLowerCase() !== 'identity') {
    throw unsupported('forms must not be compressed');
  }
  if (!hasBody(req)) return new Map();
  const length = req.headers['content-length'];
  const bytes = await getRawBody(req, { limit: limitBytes, ...(length === undefined ? {} : { length }) });
  let text: string;
  try {
    text = strictUtf8.decode(bytes);
  } catch (cause) {
    throw malformedRequest('form body is not valid UTF-8', cause);
  }
  return singleParameters(text);
}

/** `readFormFields` as Express middleware: the fields in `req.formFields`, errors to the error handler. */
export function formBody(limitBytes: number): RequestHandler {
  return (req: Request, _res: Response, next: NextFunction) => {
    readFormFields(req, limitBytes).then((fields) => {
      req.formFields = fields;
      next();
    }, next);
  };
}
