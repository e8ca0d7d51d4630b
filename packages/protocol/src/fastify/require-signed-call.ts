import type { FastifyPluginCallback } from 'fastify';
import {
  DEFAULT_SIGNED_BODY_LIMIT,
  isRefusal,
  SignedCallGate,
  type SignedCallGateOptions,
} from '../signed-call/signed-call-gate.ts';
import type { VerifiedCall } from '../verified-call.ts';

declare module 'fastify' {
  interface FastifyRequest {
    /** Set by `requireSignedCall` once the call's signature holds; undefined on `except` paths. */
    signedCall: VerifiedCall | undefined;
  }
}

export interface RequireSignedCallOptions extends SignedCallGateOptions {
  /** Largest request body read for the signature, in bytes; larger ones get 413. @default 102400 */
  bodyLimit?: number;
}

/**
 * Fastify 5 plugin that lets only dj-api-auth signed calls reach the routes of the context it
 * is registered in. Every body is read as raw bytes (the signature covers them: a JSON parser
 * would lose them), so `request.body` is a `Buffer` or undefined; parse it yourself.
 * `app.register(async (api) => { await api.register(requireSignedCall, { apiKeys }); api.post(...) })`.
 */
const plugin: FastifyPluginCallback<RequireSignedCallOptions> = (fastify, options, done) => {
  const gate = new SignedCallGate(options);
  fastify.decorateRequest('signedCall', undefined);
  fastify.removeAllContentTypeParsers();
  fastify.addContentTypeParser(
    '*',
    { parseAs: 'buffer', bodyLimit: options.bodyLimit ?? DEFAULT_SIGNED_BODY_LIMIT },
    (_request, body, parsed) => parsed(null, body),
  );
  fastify.setErrorHandler((error: { statusCode?: number }, request, reply) => {
    const status = error.statusCode;
    if (status !== undefined && status >= 400 && status < 500) {
      const refused = gate.bodyRefused(
        status === 413 ? 413 : 400,
        request.method,
        request.url.split('?')[0] ?? '',
      );
      return reply.code(refused.status).type('application/json').send(refused.body);
    }
    throw error;
  });
  fastify.addHook('preHandler', async (request, reply) => {
    const url = request.url;
    if (gate.isExcepted(url.split('?')[0] ?? url)) return;
    const raw = request.body;
    const body = Buffer.isBuffer(raw) && raw.length > 0 ? raw : undefined;
    const result = await gate.check({ method: request.method, url, body });
    if (isRefusal(result)) return reply.code(result.status).type('application/json').send(result.body);
    request.signedCall = result;
  });
  done();
};

// As the `fastify-plugin` package does: the parser and hook reach the routes of the context
// the plugin is registered in, not only an inner one.
Object.assign(plugin, {
  [Symbol.for('skip-override')]: true,
  [Symbol.for('fastify.display-name')]: 'ssokit-signed-call',
});

export const requireSignedCall = plugin;
