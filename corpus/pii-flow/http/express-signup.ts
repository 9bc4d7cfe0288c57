import express, { type Request, type Response } from 'express';
import { trace, metrics, SpanStatusCode } from '@opentelemetry/api';
import { normalizeLogin } from '../shared/identity.js';
import { fingerprint } from '../shared/hash.js';
import { annotateActor, annotateSize } from '../shared/span-tags.js';

const tracer = trace.getTracer('signup-api');
const meter = metrics.getMeter('signup-api');
const attempts = meter.createCounter('signup.attempts');
const latency = meter.createHistogram('signup.duration', { unit: 'ms' });

interface SignupBody {
  email: string;
  password: string;
  fullName: string;
  phone?: string;
  referral?: string;
  marketingOptIn?: boolean;
}

interface Account {
  id: string;
  createdAt: Date;
}

const existing = new Set<string>();

async function createAccount(body: SignupBody): Promise<Account> {
  const login = normalizeLogin(body.email);
  if (existing.has(login)) {
    throw new Error(`account already exists for ${login}`);
  }
  existing.add(login);
  return { id: crypto.randomUUID(), createdAt: new Date() };
}

function strength(pw: string): number {
  let score = 0;
  if (pw.length >= 12) score++;
  if (/[A-Z]/.test(pw) && /[a-z]/.test(pw)) score++;
  if (/\d/.test(pw)) score++;
  if (/[^A-Za-z0-9]/.test(pw)) score++;
  return score;
}

const app = express();
app.use(express.json());

app.post('/v1/signup', async (req: Request<Record<string, string>, unknown, SignupBody>, res: Response) => {
  const started = Date.now();
  const span = tracer.startSpan('signup.create', { attributes: { 'http.request.method': req.method, 'http.route': req.route.path } }); // ok
  res.on('finish', () => latency.record(Date.now() - started, { 'http.response.status_code': res.statusCode })); // ok

  const { email, fullName: n, phone, password: secret } = req.body;
  const v = normalizeLogin(email);
  span.setAttribute('signup.login', v); // pii
  span.setAttribute('signup.has_phone', Boolean(phone)); // ok
  span.setAttribute('signup.name_length', n.length); // ok
  span.setAttribute('signup.pw_strength', strength(secret)); // ok
  span.setAttributes({ 'signup.opt_in': req.body.marketingOptIn === true, 'signup.contact': phone ?? '' }); // pii
  span.setAttribute('enduser.id', v); // pii
  span.setAttribute('signup.login_hash', fingerprint(v)); // ok
  annotateActor(span, n);
  annotateSize(span, 'signup.body', JSON.stringify(req.body).length);

  const { password: _omit, ...rest } = req.body;
  span.setAttributes({ ...rest }); // pii

  try {
    const created = await createAccount(req.body);
    span.setAttribute('user.id', created.id); // ok
    attempts.add(1, { outcome: 'created', referred: req.body.referral ? 'yes' : 'no' }); // ok
    res.status(201).json({ id: created.id });
  } catch (err) {
    const e = err as Error;
    span.recordException(e); // pii
    span.setStatus({ code: SpanStatusCode.ERROR, message: e.message }); // pii
    span.setAttribute('error.type', e.name); // ok
    attempts.add(1, { outcome: 'conflict', login: v }); // pii
    res.status(409).json({ error: 'conflict' });
  } finally {
    span.end();
  }
});

app.listen(Number(process.env.PORT ?? 3000));
