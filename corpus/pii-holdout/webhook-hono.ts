import { Hono } from 'hono';
import { createHmac, timingSafeEqual } from 'node:crypto';
import { trace, metrics, SpanStatusCode } from '@opentelemetry/api';

type Address = { line1: string; line2?: string; city: string; postal_code: string; country: string };

interface CheckoutEvent {
  id: string;
  type: string;
  livemode: boolean;
  data: {
    object: {
      id: string;
      amount_total: number;
      currency: string;
      customer: string;
      customer_details?: { name?: string; email?: string; phone?: string; address?: Address };
      custom_fields?: { key: string; text?: { value: string } }[];
    };
  };
}

const app = new Hono();
const meter = metrics.getMeter('webhooks');
const deliveries = meter.createCounter('webhook.deliveries');
const signingKey = process.env.PAYMENTS_WEBHOOK_SECRET ?? '';

function verify(header: string, body: string): boolean {
  const parts = Object.fromEntries(header.split(',').map((kv) => kv.split('=') as [string, string]));
  const mac = createHmac('sha256', signingKey).update(`${parts.t}.${body}`).digest('hex');
  const a = Buffer.from(mac);
  const b = Buffer.from(parts.v1 ?? '');
  return a.length === b.length && timingSafeEqual(a, b);
}

app.post('/webhooks/payments', async (c) => {
  const span = trace.getActiveSpan();
  const raw = await c.req.text();
  span?.setAttribute('webhook.headers', JSON.stringify(c.req.header())); // pii
  span?.setAttribute('webhook.source', c.req.header('cf-connecting-ip') ?? ''); // pii
  span?.setAttribute('webhook.delivery_id', c.req.header('x-delivery-id') ?? ''); // ok
  const valid = verify(c.req.header('x-signature') ?? '', raw);
  span?.setAttribute('webhook.signature_valid', valid); // ok
  if (!valid) {
    span?.addEvent('webhook.rejected', { payload: raw }); // pii
    return c.text('bad signature', 400);
  }

  const evt = JSON.parse(raw) as CheckoutEvent;
  span?.setAttributes({ 'webhook.event_type': evt.type, 'webhook.event_id': evt.id, 'webhook.livemode': evt.livemode }); // ok
  const { customer_details: details, amount_total, currency, custom_fields: fields = [] } = evt.data.object;
  span?.setAttributes({ 'payment.amount': amount_total / 100, 'payment.currency': currency }); // ok
  const billing = details?.address;
  span?.addEvent('payment.billing', { country: billing?.country ?? 'unknown' }); // ok
  if (billing) span?.addEvent('payment.billing_detail', { ...billing }); // pii
  const reachable = details?.phone ?? details?.email ?? '';
  span?.setAttribute('payment.reach', reachable); // pii
  for (const field of fields) {
    span?.setAttribute(`payment.field.${field.key}`, field.text?.value ?? ''); // pii
  }
  if (!details?.name) {
    span?.setStatus({ code: SpanStatusCode.ERROR, message: `checkout ${evt.data.object.id} has no customer name` }); // ok
  } else {
    span?.updateName(`checkout.completed ${details.name}`); // pii
  }
  deliveries.add(1, { outcome: 'accepted', type: evt.type }); // ok
  return c.json({ received: true });
});

export default app;
