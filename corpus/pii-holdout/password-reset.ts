import { Router } from 'express';
import { createHash, randomBytes } from 'node:crypto';
import { trace, metrics, SpanStatusCode } from '@opentelemetry/api';
import { fingerprint } from './lib-people';

interface Account {
  id: number;
  login: string;
  email: string;
}

interface ResetTicket {
  digest: string;
  accountId: number;
  createdAt: Date;
  channel: 'email' | 'sms';
}

const accounts = new Map<string, Account>();
const tickets = new Map<string, ResetTicket>();
const pendingCodes = new Map<string, string>();

const router = Router();
const tracer = trace.getTracer('password-reset');
const meter = metrics.getMeter('password-reset');
const requests = meter.createCounter('auth.reset.requests');

function issue() {
  const raw = randomBytes(32).toString('base64url');
  return { raw, digest: createHash('sha256').update(raw).digest('hex') };
}

function resetLink(raw: string): string {
  return `${process.env.APP_URL ?? 'https://app.example.test'}/reset?token=${raw}`;
}

function score(pw: string): number {
  let s = 0;
  if (pw.length >= 12) s++;
  if (/[A-Z]/.test(pw) && /[a-z]/.test(pw)) s++;
  if (/\d/.test(pw)) s++;
  if (/[^A-Za-z0-9]/.test(pw)) s++;
  return s;
}

router.post('/password/forgot', async (req, res) => {
  const span = tracer.startSpan('reset.request'); // ok
  const login = String(req.body?.login ?? '').trim();
  const account = accounts.get(login.toLowerCase());
  requests.add(1, { outcome: account ? 'issued' : 'unknown_login' }); // ok
  if (!account) {
    span.setAttribute('reset.attempted', login); // pii
    span.setAttribute('reset.attempted_ref', fingerprint(login)); // ok
    span.end();
    return res.status(202).end();
  }
  const { raw, digest } = issue();
  tickets.set(digest, { digest, accountId: account.id, createdAt: new Date(), channel: 'email' });
  span.setAttribute('reset.ticket', digest); // ok
  const link = resetLink(raw);
  span.addEvent('reset.mail_queued', { link }); // pii
  span.end();
  res.status(202).end();
});

router.post('/password/verify-code', (req, res) => {
  const span = tracer.startSpan('reset.verify'); // ok
  const { login, code } = req.body as { login: string; code: string };
  span.updateName(`reset.verify ${login}`); // pii
  span.setAttribute('otp.digits', String(code).length); // ok
  const expected = pendingCodes.get(login);
  if (expected !== code) {
    span.setAttribute('otp.submitted', String(code)); // pii
    span.end();
    return res.status(401).end();
  }
  span.end();
  res.status(204).end();
});

router.post('/password/reset', (req, res) => {
  const span = tracer.startSpan('reset.complete'); // ok
  span.addEvent('reset.form', { ...req.body }); // pii
  span.addEvent('reset.form_fields', { names: Object.keys(req.body ?? {}).join(',') }); // ok
  const { token, password, confirm } = req.body;
  const pw = String(password ?? '');
  if (pw !== confirm) {
    span.end();
    return res.status(422).json({ error: 'mismatch' });
  }
  const digest = createHash('sha256').update(String(token)).digest('hex');
  const ticket = tickets.get(digest);
  if (!ticket) {
    span.setStatus({ code: SpanStatusCode.ERROR, message: 'invalid or expired link' }); // ok
    span.end();
    return res.status(410).end();
  }
  const strength = score(pw);
  if (strength < 3) {
    const rejection = new Error(`password "${pw}" does not meet policy`);
    span.recordException(rejection); // pii
    span.end();
    return res.status(422).json({ error: 'weak_password' });
  }
  tickets.delete(digest);
  span.setAttribute('reset.previous_link', resetLink(String(token))); // pii
  span.end();
  res.status(204).end();
});

export default router;
