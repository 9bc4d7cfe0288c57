import { createHash } from 'node:crypto';

export interface NamedPerson {
  firstName: string;
  lastName: string;
}

export interface LatLng {
  lat: number;
  lng: number;
}

export function fingerprint(input: string): string {
  return createHash('sha256').update(input.trim().toLowerCase()).digest('hex').slice(0, 16);
}

export function fullName(p: NamedPerson): string {
  return `${p.firstName} ${p.lastName}`.replace(/\s+/g, ' ').trim();
}

export function dialCountry(phone: string): string {
  const digits = phone.replace(/[^\d+]/g, '');
  if (digits.startsWith('+44')) return 'GB';
  if (digits.startsWith('+49')) return 'DE';
  if (digits.startsWith('+33')) return 'FR';
  if (digits.startsWith('+1')) return 'US';
  return 'ZZ';
}

export function coords(p: LatLng): string {
  return `${p.lat.toFixed(5)},${p.lng.toFixed(5)}`;
}

export function summarize(items: string[], max = 3): string {
  const head = items.slice(0, max).join(', ');
  return items.length > max ? `${head} (+${items.length - max})` : head;
}

export function sizeOf(value: unknown): number {
  return Buffer.byteLength(JSON.stringify(value ?? null), 'utf8');
}
