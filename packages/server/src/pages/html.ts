/**
 * Escaped-by-default HTML for the server-rendered pages.
 *
 *   html`<p>Hello ${name}</p>`       name is escaped
 *   html`<ul>${items.map((i) => html`<li>${i}</li>`)}</ul>`   nested results are kept
 *
 * Only an {@link Html} value (from `html` or `raw`) passes through unescaped, so forgetting
 * to escape is impossible and trusting a string has to be spelled out. See docs/decisions.md.
 */
export class Html {
  constructor(readonly value: string) {}

  toString(): string {
    return this.value;
  }
}

/** What may be interpolated. `null`, `undefined` and `false` render nothing, so `${cond && html`…`}` works. */
export type HtmlValue = Html | string | number | null | undefined | false | readonly HtmlValue[];

const ENTITIES: Record<string, string> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&#39;',
};

/** Escapes text for an element body or a quoted attribute value. */
export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => ENTITIES[c] ?? c);
}

/** Marks markup as trusted. Only for constants written in this codebase, never for input. */
export function raw(markup: string): Html {
  return new Html(markup);
}

function render(value: HtmlValue): string {
  if (value instanceof Html) return value.value;
  if (value === null || value === undefined || value === false) return '';
  if (Array.isArray(value)) return value.map(render).join('');
  return escapeHtml(String(value));
}

export function html(strings: TemplateStringsArray, ...values: HtmlValue[]): Html {
  let out = strings[0] ?? '';
  for (let i = 0; i < values.length; i++) out += render(values[i]) + (strings[i + 1] ?? '');
  return new Html(out);
}
