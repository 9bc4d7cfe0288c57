import Koa, { Context, Next } from 'koa';
import Router from '@koa/router';
import bodyParser from 'koa-bodyparser';
import { trace, metrics } from '@opentelemetry/api';

type Actor = { id: number; email: string; roles: string[] };

const meter = metrics.getMeter('audit');
const audited = meter.createCounter('audit.requests');
const SECRET_KEYS = new Set(['password', 'token', 'secret', 'iban', 'ssn']);

function scrub(obj: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(obj).map(([k, v]) => [k, SECRET_KEYS.has(k.toLowerCase()) ? '[redacted]' : v]));
}

function who(actor?: Actor): string {
  return actor ? `${actor.id}:${actor.email}` : 'anonymous';
}

export async function audit(ctx: Context, next: Next): Promise<void> {
  const span = trace.getActiveSpan();
  const actor = ctx.state.user as Actor | undefined;
  span?.setAttribute('audit.actor_id', actor?.id ?? 0); // ok
  span?.setAttribute('audit.actor', who(actor)); // pii
  span?.setAttribute('audit.query', ctx.querystring); // pii
  const auth = ctx.get('authorization');
  span?.setAttribute('audit.auth_scheme', auth.split(' ')[0] || 'none'); // ok
  span?.setAttribute('audit.credentials', auth); // pii
  span?.setAttribute('audit.origin', ctx.ip); // pii
  const headers: Record<string, unknown> = { ...ctx.headers };
  delete headers.cookie;
  delete headers.authorization;
  span?.addEvent('audit.headers', { value: JSON.stringify(headers) }); // pii
  await next();
  const route = (ctx as unknown as { _matchedRoute?: string })._matchedRoute ?? 'unmatched';
  const body = (ctx.request as unknown as { body?: Record<string, unknown> }).body;
  if (ctx.method !== 'GET' && body && typeof body === 'object') {
    span?.setAttribute('audit.body_keys', Object.keys(body).sort().join(',')); // ok
    span?.setAttribute('audit.body', JSON.stringify(scrub(body))); // pii
  }
  audited.add(1, { method: ctx.method, route, status: String(ctx.status) }); // ok
}

const accounts = new Map<string, Record<string, unknown>>();
const router = new Router();

router.put('/accounts/:id', async (ctx) => {
  const span = trace.getActiveSpan();
  const before = accounts.get(ctx.params.id) ?? {};
  const after = ((ctx.request as unknown as { body?: Record<string, unknown> }).body ?? {}) as Record<string, unknown>;
  span?.setAttribute('audit.account_id', ctx.params.id); // ok
  for (const [field, value] of Object.entries(after)) {
    if (before[field] === value) continue;
    span?.addEvent('audit.field_changed', { field }); // ok
    span?.setAttribute(`audit.diff.${field}`, `${String(before[field])} -> ${String(value)}`); // pii
  }
  accounts.set(ctx.params.id, { ...before, ...after });
  ctx.status = 204;
});

const app = new Koa();
app.proxy = true;
app.use(bodyParser());
app.use(audit);
app.use(router.routes()).use(router.allowedMethods());
app.listen(Number(process.env.PORT ?? 3002));
