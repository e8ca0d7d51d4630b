import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { escapeHtml, html, renderDocument, SafeHtml } from './html.ts';

describe('html templates', () => {
  it('escape every interpolated value', () => {
    const name = `<img src=x onerror="alert('1')">&`;
    assert.equal(
      html`<p title="${name}">${name}</p>`.value,
      '<p title="&lt;img src=x onerror=&quot;alert(&#39;1&#39;)&quot;&gt;&amp;">&lt;img src=x onerror=&quot;alert(&#39;1&#39;)&quot;&gt;&amp;</p>',
    );
  });

  it('insert SafeHtml and lists of it as they are, and skip false, null and undefined', () => {
    const inner = html`<b>${'x<y'}</b>`;
    assert.equal(html`${inner}${[inner, inner]}${false}${null}${undefined}`.value, '<b>x&lt;y</b>'.repeat(3));
  });

  it('escape the five characters that matter', () => {
    assert.equal(escapeHtml(`&<>"'`), '&amp;&lt;&gt;&quot;&#39;');
  });

  it('render a document with a viewport, no script, and the site name escaped', () => {
    const page = renderDocument({ title: 'T', siteName: 'A & B', body: new SafeHtml('<p>hi</p>') });
    assert.match(page, /<meta name="viewport" content="width=device-width, initial-scale=1">/);
    assert.match(page, /<h1>A &amp; B<\/h1>/);
    assert.doesNotMatch(page, /<script/);
  });
});
