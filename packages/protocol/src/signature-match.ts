import { createHmac, timingSafeEqual } from 'node:crypto';
import { hmacKey } from './hmac-key-cache.ts';

// Reused buffers: callers read them synchronously, never across an await.
const expectedText = Buffer.alloc(64);
const receivedText = Buffer.alloc(64);
const expectedView = expectedText.subarray(0, 44);
const receivedView = receivedText.subarray(0, 44);
const signatureBytes = Buffer.alloc(32);

/**
 * The signature one of the secrets gives this message (+ body), when it is the received one,
 * compared in constant time (`timingSafeEqual` over the 44 ASCII bytes of the Base64); every
 * secret is tried, so timing does not tell which matched. Only the exact Base64 spelling
 * passes, so one call has one signature. (`digest('base64')`, because in Node a raw `digest()`
 * Buffer costs more to make than the Base64 string.)
 */
export function matchingSignature(
  secrets: readonly string[],
  message: string,
  body: string | Uint8Array | undefined,
  received: string,
): string | undefined {
  // 44 UTF-16 units that are 44 UTF-8 bytes are ASCII; other lengths cannot be Base64 of 32 bytes.
  if (received.length !== 44 || receivedText.write(received, 'utf8') !== 44) return undefined;
  let matched: string | undefined;
  for (const secret of secrets) {
    const hmac = createHmac('sha256', hmacKey(secret)).update(message);
    if (body !== undefined && body.length > 0) hmac.update(body);
    const expected = hmac.digest('base64');
    expectedText.write(expected, 'latin1');
    if (timingSafeEqual(expectedView, receivedView) && matched === undefined) matched = expected;
  }
  return matched;
}

/** The raw bytes of a Base64 signature, in a buffer reused by the next call: read it at once. */
export function signatureBytesOf(signature: string): Buffer {
  signatureBytes.write(signature, 'base64');
  return signatureBytes;
}
