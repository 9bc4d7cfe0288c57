'use strict';

const Koa = require('koa');
const Router = require('@koa/router');
const bodyParser = require('koa-bodyparser');
const { trace, metrics } = require('@opentelemetry/api');

const tracer = trace.getTracer('contact-form');
const submissions = metrics.getMeter('contact-form').createCounter('contact.submissions');

const TOPICS = ['sales', 'support', 'billing', 'press'];

/** @type {Map<string, string>} */
const tickets = new Map();

/**
 * @param {import('@opentelemetry/api').Span} s
 * @param {{ topic: string, message: string, email: string, name: string }} form
 */
function describe(s, form) {
  const topic = TOPICS.includes(form.topic) ? form.topic : 'other';
  s.setAttribute('contact.topic', topic); // ok
  s.setAttribute('contact.body', form.message); // pii
  s.setAttribute('contact.reply_to', form.name + ' <' + form.email + '>'); // pii
  return topic;
}

/**
 * @param {string} text
 * @returns {number}
 */
function wordCount(text) {
  return text.split(/\s+/).filter(Boolean).length;
}

const router = new Router();

router.post('/contact', async (ctx) => {
  const input = ctx.request.body;
  const s = tracer.startSpan('contact.submit', { attributes: { 'contact.from': input.email } }); // pii
  const topic = describe(s, input);
  s.setAttribute('contact.words', wordCount(String(input.message))); // ok
  s.setAttribute('client.address', ctx.ip); // pii
  s.setAttribute('http.route', ctx._matchedRoute); // ok
  const ua = ctx.get('user-agent');
  s.setAttribute('client.fingerprint', `${ctx.ip}|${ua}`); // pii
  submissions.add(1, { topic, has_attachment: Boolean(input.attachmentUrl) }); // ok
  const ticket = Math.random().toString(36).slice(2, 10);
  tickets.set(ticket, input.email);
  s.end();
  ctx.status = 202;
  ctx.body = { ticket, statusUrl: `/contact/${ticket}?email=${encodeURIComponent(input.email)}` };
});

router.get('/contact/:ticket', async (ctx) => {
  const s = trace.getActiveSpan();
  const t = ctx.params.ticket;
  if (s) s.setAttribute('contact.ticket', t); // ok
  const q = ctx.querystring;
  if (s) s.setAttribute('http.query', q); // pii
  const owner = tickets.get(t);
  if (!owner || owner !== ctx.query.email) {
    ctx.status = 404;
    return;
  }
  ctx.body = { ticket: t, status: 'open' };
});

const app = new Koa();
app.proxy = true;
app.use(bodyParser());
app.use(router.routes());
app.listen(4000);

module.exports = { describe };
