import pg from 'pg';
import { trace, SpanStatusCode, type Span } from '@opentelemetry/api';

const pool = new pg.Pool();
const tracer = trace.getTracer('accounts');

export class DuplicateAccountError extends Error {
  constructor(readonly login: string) {
    super(`account ${login} already exists`);
    this.name = 'DuplicateAccountError';
  }
}

export class QuotaError extends Error {
  constructor(readonly limit: number) {
    super(`quota of ${limit} accounts per organisation exceeded`);
    this.name = 'QuotaError';
  }
}

interface PgError {
  code?: string;
  detail?: string;
  constraint?: string;
  message: string;
}

function isUniqueViolation(e: unknown): e is PgError {
  return typeof e === 'object' && e !== null && (e as PgError).code === '23505';
}

export async function register(login: string, orgId: string): Promise<string> {
  const span = tracer.startSpan('account.register', { attributes: { 'org.id': orgId } }); // ok
  try {
    const r = await pool.query<{ id: string }>('INSERT INTO accounts (login, org_id) VALUES ($1, $2) RETURNING id', [login, orgId]);
    return r.rows[0].id;
  } catch (err) {
    if (isUniqueViolation(err)) {
      span.setAttribute('db.error.code', err.code ?? ''); // ok
      span.setAttribute('db.error.detail', err.detail ?? ''); // pii
      const e = new DuplicateAccountError(login);
      span.recordException(e); // pii
      span.setStatus({ code: SpanStatusCode.ERROR, message: e.message }); // pii
      span.setAttribute('error.type', e.name); // ok
      throw e;
    }
    throw err;
  } finally {
    span.end();
  }
}

export function onQuota(span: Span, limit: number): never {
  const e = new QuotaError(limit);
  span.recordException(e); // ok
  span.setStatus({ code: SpanStatusCode.ERROR, message: e.message }); // ok
  throw e;
}

export function validatePhone(span: Span, input: { phone: string }): string {
  const digits = input.phone.replace(/[^\d+]/g, '');
  if (digits.length < 8) {
    const err = new RangeError('invalid phone number: ' + input.phone);
    span.setStatus({ code: SpanStatusCode.ERROR, message: String(err) }); // pii
    span.recordException({ name: 'ValidationError', message: 'field phone is required to have at least 8 digits' }); // ok
    throw err;
  }
  return digits;
}

export async function callWithTimeout<T>(span: Span, service: string, ms: number, fn: () => Promise<T>): Promise<T> {
  const expired = new Error(`timeout after ${ms}ms calling ${service}`);
  expired.name = 'TimeoutError';
  const timer = new Promise<never>((_, reject) => setTimeout(() => reject(expired), ms));
  try {
    return await Promise.race([fn(), timer]);
  } catch (err) {
    if (err === expired) {
      span.recordException(expired); // ok
    }
    span.setAttribute('error.type', (err as Error).name); // ok
    throw err;
  }
}
