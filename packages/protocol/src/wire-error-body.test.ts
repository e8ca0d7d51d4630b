import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { wireErrorJson } from './wire-error-body.ts';

interface Exchange {
  response: { status: number; content_type: string | null; body: string | null };
}

describe('wireErrorJson()', () => {
  it('writes the error bodies of the recorded provider byte for byte', () => {
    const exchanges: Exchange[] = JSON.parse(
      readFileSync(new URL('../../../fixtures/transcripts/04-provider-errors.json', import.meta.url), 'utf8'),
    );
    const jsonErrors = exchanges.filter(
      (e) => e.response.content_type === 'application/json' && e.response.status === 403,
    );
    assert.ok(jsonErrors.length >= 5);
    for (const { response } of jsonErrors) {
      const text = (JSON.parse(response.body ?? '') as { error: string }).error;
      assert.equal(wireErrorJson(text), response.body);
    }
  });

  it('escapes non-ASCII text as Python json.dumps does', () => {
    assert.equal(wireErrorJson('é "q" \u007f😀'), '{"error": "\\u00e9 \\"q\\" \\u007f\\ud83d\\ude00"}');
  });
});
