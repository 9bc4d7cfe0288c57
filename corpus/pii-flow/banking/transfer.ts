import express, { type Request, type Response } from 'express';
import pg from 'pg';
import { trace, metrics, SpanStatusCode, type Span } from '@opentelemetry/api';
import { fingerprint } from '../shared/hash.js';

const tracer = trace.getTracer('payments-core');
const meter = metrics.getMeter('payments-core');
const transfers = meter.createCounter('transfers.initiated');
const reviewQueue = meter.createUpDownCounter('transfers.in_review');
const pool = new pg.Pool();

interface TransferRequest {
  fromAccountId: string;
  toIban: string;
  beneficiaryName: string;
  amountMinor: number;
  currency: string;
  reference: string;
  scheduledFor?: string;
}

interface AccountRow {
  id: string;
  holder_first: string;
  holder_last: string;
  account_number: string;
  sort_code: string;
  kind: 'current' | 'savings' | 'business';
  frozen: boolean;
}

class TransferHeld extends Error {
  constructor(message: string, readonly score: number) {
    super(message);
    this.name = 'TransferHeld';
  }
}

function normalizeIban(raw: string): string {
  return raw.replace(/\s+/g, '').toUpperCase();
}

async function loadAccount(id: string): Promise<AccountRow> {
  const r = await pool.query<AccountRow>('SELECT * FROM accounts WHERE id = $1', [id]);
  return r.rows[0];
}

function riskScore(tr: TransferRequest, src: AccountRow): number {
  const foreign = !normalizeIban(tr.toIban).startsWith('GB');
  return (foreign ? 0.5 : 0.1) + (tr.amountMinor > 1_000_000 ? 0.45 : 0) + (src.kind === 'business' ? -0.1 : 0);
}

function describeSource(span: Span, src: AccountRow): void {
  span.setAttribute('account.type', src.kind); // ok
  span.setAttribute('account.holder', `${src.holder_first} ${src.holder_last}`); // pii
  span.setAttribute('account.ref', src.sort_code + '-' + src.account_number); // pii
}

const app = express();
app.use(express.json());

app.post('/transfers', async (req: Request<Record<string, string>, unknown, TransferRequest>, res: Response) => {
  const span = tracer.startSpan('transfer.initiate'); // ok
  const tr = req.body;
  span.setAttribute('account.id', tr.fromAccountId); // ok
  const dest = normalizeIban(tr.toIban);
  span.setAttribute('transfer.dest', dest); // pii
  span.setAttribute('transfer.dest_country', dest.slice(0, 2)); // ok
  span.setAttribute('transfer.dest_key', fingerprint(dest)); // ok
  span.setAttribute('transfer.payee', tr.beneficiaryName); // pii
  span.setAttribute('transfer.memo', tr.reference); // pii
  span.setAttribute('transfer.summary', `${tr.amountMinor} ${tr.currency} to ${tr.beneficiaryName}`); // pii
  span.setAttribute('transfer.memo_len', tr.reference.length); // ok

  const src = await loadAccount(tr.fromAccountId);
  describeSource(span, src);
  const score = riskScore(tr, src);
  transfers.add(1, { currency: tr.currency, rail: dest.startsWith('GB') ? 'fps' : 'sepa' }); // ok

  try {
    if (score > 0.9) {
      throw new TransferHeld(`transfer to ${dest} (${tr.beneficiaryName}) held for review`, score);
    }
    res.status(202).json({ status: 'accepted' });
  } catch (err) {
    const e = err as TransferHeld;
    span.recordException(e); // pii
    span.setAttribute('error.type', e.name); // ok
    span.setStatus({ code: SpanStatusCode.ERROR, message: e.name }); // ok
    reviewQueue.add(1, { reason: 'risk', iban: dest }); // pii
    res.status(202).json({ status: 'review' });
  } finally {
    span.end();
  }
});

export default app;
