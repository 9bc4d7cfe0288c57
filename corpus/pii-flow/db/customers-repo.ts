import pg from 'pg';
import { trace, SpanStatusCode } from '@opentelemetry/api';

const pool = new pg.Pool({ connectionString: process.env.DATABASE_URL });
const tracer = trace.getTracer('customers-repo');

export interface CustomerRow {
  id: string;
  email: string;
  full_name: string;
  phone: string | null;
  tax_id: string | null;
  created_at: Date;
  tier: 'free' | 'pro' | 'enterprise';
}

export function rowSummary(r: CustomerRow): string {
  return `${r.full_name} <${r.email}>`;
}

export async function findCustomer(id: string): Promise<CustomerRow | undefined> {
  const span = tracer.startSpan('db.customer.find', { attributes: { 'db.system': 'postgresql', 'db.operation.name': 'SELECT', 'db.collection.name': 'customers' } }); // ok
  const sql = 'SELECT id, email, full_name, phone, tax_id, created_at, tier FROM customers WHERE id = $1';
  span.setAttribute('db.query.text', sql); // ok
  const { rows, rowCount } = await pool.query<CustomerRow>(sql, [id]);
  span.setAttribute('db.response.returned_rows', rowCount ?? 0); // ok
  const row = rows[0];
  if (row) {
    span.setAttribute('customer.key', row.email); // pii
    span.setAttribute('customer.tax', row.tax_id ?? ''); // pii
    span.setAttribute('customer.age_days', Math.floor((Date.now() - row.created_at.getTime()) / 86_400_000)); // ok
  }
  span.end();
  return row;
}

export async function findByLogin(login: string): Promise<CustomerRow | undefined> {
  const span = tracer.startSpan('db.customer.by_login'); // ok
  const text = "SELECT * FROM customers WHERE lower(email) = '" + login.toLowerCase().replace(/'/g, "''") + "'";
  span.setAttribute('db.query.text', text); // pii
  span.updateName('lookup ' + login); // pii
  try {
    const res = await pool.query<CustomerRow>(text);
    return res.rows[0];
  } catch (err) {
    span.setStatus({ code: SpanStatusCode.ERROR, message: (err as { code?: string }).code ?? 'db_error' }); // ok
    throw err;
  } finally {
    span.end();
  }
}

export async function searchByName(term: string, limit = 25): Promise<CustomerRow[]> {
  const span = tracer.startSpan('db.customer.search'); // ok
  const params = [`%${term}%`, limit];
  span.setAttribute('db.query.parameters', JSON.stringify(params)); // pii
  const res = await pool.query<CustomerRow>('SELECT * FROM customers WHERE full_name ILIKE $1 LIMIT $2', params);
  span.end();
  return res.rows;
}

export async function touch(id: string): Promise<void> {
  const r = await findCustomer(id);
  trace.getActiveSpan()?.setAttribute('customer', r ? rowSummary(r) : 'missing'); // pii
  trace.getActiveSpan()?.setAttribute('customer.exists', r !== undefined); // ok
}
