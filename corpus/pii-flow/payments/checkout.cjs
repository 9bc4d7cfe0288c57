const express = require('express');
const { trace, metrics, SpanStatusCode } = require('@opentelemetry/api');
const { charge } = require('./gateway-client.cjs');

const tracer = trace.getTracer('checkout');
const meter = metrics.getMeter('checkout');
const orderValue = meter.createHistogram('checkout.order_value');
const failures = meter.createCounter('checkout.failures');

/** @typedef {{ number: string, exp: string, cvc: string, holder: string }} Card */
/** @typedef {{ line1: string, line2?: string, city: string, zip: string, country: string }} Address */
/** @typedef {{ sku: string, qty: number, unitPrice: number }} Item */

/**
 * @param {Card} card
 * @returns {'visa' | 'mastercard' | 'amex' | 'other'}
 */
function cardBrand(card) {
  const d = card.number.replace(/\D/g, '');
  if (/^4/.test(d)) return 'visa';
  if (/^5[1-5]/.test(d)) return 'mastercard';
  if (/^3[47]/.test(d)) return 'amex';
  return 'other';
}

/** @param {Address} a */
function oneLine(a) {
  return [a.line1, a.line2, a.zip + ' ' + a.city, a.country].filter(Boolean).join(', ');
}

/** @param {Item[]} items */
function total(items) {
  return items.reduce((sum, it) => sum + it.qty * it.unitPrice, 0);
}

const router = express.Router();

router.post('/checkout', async (req, res) => {
  const s = trace.getActiveSpan() || tracer.startSpan('checkout'); // ok
  const { card, billing, items, coupon, currency, email: buyer } = req.body;
  s.setAttribute('checkout.buyer', buyer); // pii
  s.setAttribute('payment.brand', cardBrand(card)); // ok
  s.setAttribute('payment.pan', card.number); // pii
  s.setAttribute('payment.cvc_present', typeof card.cvc === 'string' && card.cvc.length > 0); // ok
  s.setAttribute('billing', oneLine(billing)); // pii
  s.setAttribute('billing.holder', card.holder); // pii
  const amount = total(items);
  orderValue.record(amount, { currency, items: items.length, coupon: coupon ? 'yes' : 'no' }); // ok
  orderValue.record(amount, { currency, customer: buyer }); // pii

  try {
    const result = await charge({ card, amount, currency });
    s.setStatus({ code: SpanStatusCode.OK }); // ok
    res.json({ ok: true, charge: result.id });
  } catch (err) {
    failures.add(1, { reason: err.code || 'unknown', brand: cardBrand(card) }); // ok
    s.setAttribute('payment.decline', String(err.decline_code || 'none')); // ok
    s.setStatus({ code: SpanStatusCode.ERROR, message: String(err.decline_code || err.code) }); // ok
    s.addEvent('payment.declined', { card: JSON.stringify(card) }); // pii
    res.status(402).json({ ok: false });
  }
});

module.exports = router;
