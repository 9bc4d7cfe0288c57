import Fastify from 'fastify';
import { Queue, Worker, Job } from 'bullmq';
import { createHash } from 'node:crypto';
import { trace, metrics, SpanStatusCode } from '@opentelemetry/api';

type SignupBody = { address: string; name?: string; lists: string[]; source?: string };
type WelcomeJob = { to: string; name?: string; lists: string[] };

const connection = { host: process.env.REDIS_HOST ?? '127.0.0.1', port: Number(process.env.REDIS_PORT ?? 6379) };
const queue = new Queue<WelcomeJob>('newsletter-send', { connection });
const app = Fastify({ logger: true });

const tracer = trace.getTracer('newsletter');
const meter = metrics.getMeter('newsletter');
const signups = meter.createCounter('newsletter.signups');
const sendTime = meter.createHistogram('newsletter.send_ms', { unit: 'ms' });

const subscribersByToken = new Map<string, { id: number; address: string }>();

function renderTemplate(kind: string, data: WelcomeJob): { subject: string; html: string } {
  const greeting = data.name ? data.name.split(' ')[0] : 'there';
  return {
    subject: `Welcome aboard, ${greeting}!`,
    html: `<p>Hi ${greeting}, you are now on ${data.lists.join(', ')}.</p><!-- ${kind} -->`,
  };
}

async function deliver(to: string, mail: { subject: string; html: string }): Promise<void> {
  const res = await fetch(process.env.MAIL_API_URL ?? 'http://localhost:8025/send', {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ to, ...mail }),
  });
  if (res.status === 550) throw new Error(`recipient rejected: <${to}>`);
  if (!res.ok) throw new Error(`mail api returned ${res.status}`);
}

app.post<{ Body: SignupBody }>('/subscribe', async (req, reply) => {
  const span = trace.getActiveSpan();
  const { address, name, lists, source = 'site' } = req.body;
  const normalized = address.trim().toLowerCase();
  const key = createHash('sha256').update(normalized).digest('hex');
  span?.setAttribute('subscriber.key', key); // ok
  span?.setAttribute('subscriber.value', normalized); // pii
  signups.add(1, { source: source === 'footer' || source === 'popup' ? source : 'other' }); // ok
  const job = await queue.add('welcome', { to: normalized, name, lists }, { attempts: 5 });
  span?.addEvent('job.enqueued', { data: JSON.stringify(job.data) }); // pii
  return reply.code(202).send({ queued: true });
});

app.get<{ Querystring: { token: string } }>('/unsubscribe', async (req, reply) => {
  const span = trace.getActiveSpan();
  const { token } = req.query;
  span?.setAttribute('unsubscribe.token_length', token.length); // ok
  span?.setAttribute('unsubscribe.ref', token); // pii
  const sub = subscribersByToken.get(token);
  if (!sub) {
    span?.setStatus({ code: SpanStatusCode.ERROR, message: `unknown token ${token}` }); // pii
    return reply.code(404).send();
  }
  span?.setAttribute('subscriber.id', sub.id); // ok
  span?.addEvent('unsubscribed', { who: sub.address }); // pii
  subscribersByToken.delete(token);
  return reply.send({ ok: true });
});

export const worker = new Worker<WelcomeJob>('newsletter-send', async (job: Job<WelcomeJob>) => {
  const started = Date.now();
  const span = tracer.startSpan(`send ${job.name}`, { attributes: { 'job.id': job.id ?? '', 'job.attempt': job.attemptsMade } }); // ok
  try {
    const { to } = job.data;
    const mail = renderTemplate(job.name, job.data);
    span.setAttribute('mail.template', job.name); // ok
    span.setAttribute('mail.subject', mail.subject); // pii
    await deliver(to, mail);
  } catch (e) {
    span.recordException(e as Error); // pii
    throw e;
  } finally {
    sendTime.record(Date.now() - started, { template: job.name }); // ok
    span.end();
  }
}, { connection });

app.listen({ port: Number(process.env.PORT ?? 3001), host: '0.0.0.0' });
