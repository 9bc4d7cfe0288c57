import type { Span } from '@opentelemetry/api';

export function annotateActor(span: Span, who: string): void {
  if (!span.isRecording()) return;
  span.setAttribute('app.actor', who); // pii
}

export function annotateRoute(span: Span, method: string, template: string): void {
  span.setAttributes({ 'http.request.method': method, 'http.route': template }); // ok
}

export interface ContactLike {
  id: string;
  email: string;
  phone?: string;
  company?: string;
}

export function annotateContact(span: Span, c: ContactLike): void {
  span.setAttribute('crm.contact.id', c.id); // ok
  span.setAttribute('crm.contact', c.email); // pii
  span.setAttribute('crm.contact.has_phone', c.phone !== undefined && c.phone !== ''); // ok
}

export function annotateSize(span: Span, label: string, n: number): void {
  span.setAttribute(`${label}.size`, n); // ok
}
