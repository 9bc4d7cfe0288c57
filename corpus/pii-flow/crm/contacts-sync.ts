import { trace, metrics } from '@opentelemetry/api';
import { annotateContact } from '../shared/span-tags.js';

const tracer = trace.getTracer('crm-sync');
const sent = metrics.getMeter('crm-sync').createCounter('crm.campaign.sent');

export interface Contact {
  id: string;
  email: string;
  firstName: string;
  lastName: string;
  phone: string;
  company: string;
  title: string;
  notes: string;
  updatedAt: string;
  ownerId: string;
}

type Field = keyof Contact;

const TRACKED: readonly Field[] = ['email', 'firstName', 'lastName', 'phone', 'company', 'title', 'notes'];

export function applyUpdate(before: Contact, after: Contact): Field[] {
  const span = tracer.startSpan('crm.contact.update', { attributes: { 'crm.contact.id': after.id, 'crm.owner.id': after.ownerId } }); // ok
  const changed = TRACKED.filter((f) => before[f] !== after[f]);
  span.setAttribute('crm.changed_fields', changed.join(',')); // ok
  for (const f of changed) {
    span.setAttribute(`crm.changed.${f}`, true); // ok
    span.setAttribute(`crm.new.${f}`, String(after[f])); // pii
    span.addEvent('field.diff', { field: f, from: String(before[f]), to: String(after[f]) }); // pii
  }
  annotateContact(span, after);
  span.end();
  return changed;
}

export function sendCampaign(campaignId: string, recipients: Contact[]): void {
  const span = tracer.startSpan('crm.campaign.send'); // ok
  span.setAttribute('campaign.recipients', recipients.map((r) => r.email).join(',')); // pii
  span.setAttribute('campaign.recipient_count', recipients.length); // ok
  const to = recipients.map((r) => `${r.firstName} ${r.lastName}`);
  span.setAttribute('campaign.to', to); // pii
  span.setAttribute('campaign.recipient_ids', recipients.map((r) => r.id)); // ok
  const domains = new Set(recipients.map((r) => r.email.split('@')[1]));
  span.setAttribute('campaign.domain_count', domains.size); // ok
  sent.add(recipients.length, { campaign: campaignId }); // ok
  span.end();
}

export function noteAdded(contact: Contact, note: string): void {
  const span = trace.getActiveSpan();
  span?.addEvent('crm.note', { 'note.length': note.length, 'contact.id': contact.id }); // ok
  span?.addEvent('crm.note.body', { body: note }); // pii
}

export function mergeContacts(keep: Contact, drop: Contact): Contact {
  const merged: Contact = { ...drop, ...keep, notes: [keep.notes, drop.notes].filter(Boolean).join('\n') };
  const span = trace.getActiveSpan();
  span?.setAttributes({ 'crm.merge.keep': keep.id, 'crm.merge.drop': drop.id }); // ok
  span?.setAttribute('crm.merge.result', JSON.stringify(merged)); // pii
  span?.updateName(`merge ${keep.email} <- ${drop.email}`); // pii
  return merged;
}
