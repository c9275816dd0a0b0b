import { describe, expect, it } from 'vitest';
import { html, raw } from '../src/pages/html.js';

describe('html`…`, the view helper of the site', () => {
  it('escapes every interpolated string for element bodies and quoted attributes', () => {
    const name = `<img src=x onerror="alert('1')"> & co`;
    expect(html`<p title="${name}">${name}</p>`.value).toBe(
      '<p title="&lt;img src=x onerror=&quot;alert(&#39;1&#39;)&quot;&gt; &amp; co">' +
        '&lt;img src=x onerror=&quot;alert(&#39;1&#39;)&quot;&gt; &amp; co</p>',
    );
  });

  it('keeps nested html results and arrays of them as markup, and escapes only once', () => {
    const items = ['a<b', 'c&d'].map((item) => html`<li>${item}</li>`);
    expect(html`<ul>${items}</ul>`.value).toBe('<ul><li>a&lt;b</li><li>c&amp;d</li></ul>');
    expect(html`${html`${'&'}`}`.value).toBe('&amp;');
  });

  it('renders nothing for null, undefined and false, and numbers as text', () => {
    expect(html`[${null}${undefined}${false}${0}${42}]`.value).toBe('[042]');
  });

  it('passes markup through only when it is spelled raw()', () => {
    expect(html`${raw('<hr>')}${'<hr>'}`.value).toBe('<hr>&lt;hr&gt;');
  });
});
