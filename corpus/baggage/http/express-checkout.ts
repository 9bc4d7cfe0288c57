import express, { type Request, type Response } from 'express';
import { context, propagation, trace } from '@opentelemetry/api';

const app = express();
app.use(express.json());
const tracer = trace.getTracer('checkout-api');

interface CartLine {
  sku: string;
  quantity: number;
  giftNote?: string;
}

interface CheckoutBody {
  lines: CartLine[];
  couponCode?: string;
  deliveryInstructions?: string;
  plan: 'standard' | 'express' | 'same-day';
}

async function priceCart(lines: CartLine[]): Promise<number> {
  const r = await fetch('http://pricing.internal/quote', { method: 'POST', body: JSON.stringify(lines) });
  const { total } = (await r.json()) as { total: number };
  return total;
}

app.post('/tenants/:tenantId/checkout', async (req: Request, res: Response) => {
  const body = req.body as CheckoutBody;
  const tenantId = req.params.tenantId;

  let bag = propagation.getActiveBaggage() ?? propagation.createBaggage();
  bag = bag.setEntry('tenant.id', { value: tenantId }); // ok
  bag = bag.setEntry('checkout.plan', { value: body.plan }); // ok
  bag = bag.setEntry('cart.line_count', { value: String(body.lines.length) }); // ok
  bag = bag.setEntry('cart.lines', { value: JSON.stringify(body.lines) }); // pii
  bag = bag.setEntry('cart.skus', { value: body.lines.map((l) => l.sku).join(',') }); // pii
  bag = bag.setEntry('checkout.instructions', { value: body.deliveryInstructions ?? '' }); // pii
  bag = bag.setEntry('client.user_agent', { value: req.get('user-agent') ?? 'unknown' }); // pii
  bag = bag.setEntry('http.target', { value: req.originalUrl }); // pii
  bag = bag.setEntry('checkout.has_coupon', { value: String(Boolean(body.couponCode)) }); // ok

  const total = await context.with(propagation.setBaggage(context.active(), bag), () => priceCart(body.lines));
  res.json({ total });
});

app.get('/tenants/:tenantId/search', (req: Request, res: Response) => {
  const span = tracer.startSpan('catalog.search');
  const terms = String(req.query.q ?? '');
  const page = Number(req.query.page ?? 1);
  const searchBag = propagation.createBaggage({
    'tenant.id': { value: req.params.tenantId }, // ok
    'search.page': { value: String(page) }, // ok
    'search.terms': { value: terms }, // pii
  });
  context.with(propagation.setBaggage(context.active(), searchBag), () => {
    res.json({ results: [] });
    span.end();
  });
});

app.post('/tenants/:tenantId/cart/notes', (req: Request, res: Response) => {
  const notes = (req.body as CheckoutBody).lines.filter((l) => l.giftNote).map((l) => l.giftNote);
  const noteBag = propagation.createBaggage({ 'cart.gift_notes': { value: String(notes) } }); // pii
  const countBag = propagation.createBaggage({ 'cart.gift_note_count': { value: String(notes.length) } }); // ok
  context.with(propagation.setBaggage(context.active(), noteBag), () => res.status(204).end());
  context.with(propagation.setBaggage(context.active(), countBag), () => undefined);
});

export default app;
