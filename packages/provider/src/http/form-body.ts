import { SsoError } from '@ssokit/protocol';
import express, { type NextFunction, type Request, type RequestHandler, type Response } from 'express';
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

/**
 * Reads an `application/x-www-form-urlencoded` body of at most `limitBytes` into
 * `req.formFields`, strictly: invalid UTF-8, bad escapes and repeated fields are a 400, a body
 * too large is a 413, another content type a 415. Errors go to the error handler.
 */
export function formBody(limitBytes: number): RequestHandler {
  const readRaw = express.raw({ type: () => true, limit: limitBytes });
  return (req: Request, res: Response, next: NextFunction) => {
    const type = req.headers['content-type'] ?? '';
    if (!/^application\/x-www-form-urlencoded\s*(;|$)/i.test(type)) {
      next(
        new SsoError('UNSUPPORTED_MEDIA_TYPE', 'forms must be application/x-www-form-urlencoded', {
          wireMessage: 'forms must be application/x-www-form-urlencoded',
        }),
      );
      return;
    }
    readRaw(req, res, (error?: unknown) => {
      if (error !== undefined && error !== null) {
        next(error);
        return;
      }
      try {
        const bytes: unknown = req.body;
        const text = Buffer.isBuffer(bytes) ? strictUtf8.decode(bytes) : '';
        req.formFields = singleParameters(text);
        next();
      } catch (cause) {
        next(cause instanceof TypeError ? malformedRequest('form body is not valid UTF-8', cause) : cause);
      }
    });
  };
}
