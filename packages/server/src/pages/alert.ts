import { type Html, html } from './html.js';

/** A message shown above a form: what went wrong, or what just happened. */
export interface Alert {
  kind: 'error' | 'note';
  text: string;
}

export const errorAlert = (text: string): Alert => ({ kind: 'error', text });
export const noteAlert = (text: string): Alert => ({ kind: 'note', text });

export function alertBox(alert: Alert | undefined): Html {
  if (!alert) return html``;
  const role = alert.kind === 'error' ? 'alert' : 'status';
  return html`<p class="alert ${alert.kind}" role="${role}">${alert.text}</p>`;
}
