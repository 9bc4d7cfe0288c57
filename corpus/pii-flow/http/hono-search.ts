import { Hono } from 'hono';
import { trace, metrics } from '@opentelemetry/api';

interface Hit {
  id: string;
  title: string;
  score: number;
}

const app = new Hono();
const tracer = trace.getTracer('search-edge');
const meter = metrics.getMeter('search-edge');
const searchLatency = meter.createHistogram('search.latency', { unit: 'ms' });
const zeroResults = meter.createCounter('search.zero_results');

async function runSearch(term: string, page: number): Promise<Hit[]> {
  const r = await fetch(`http://search.internal/query?page=${page}`, { method: 'POST', body: JSON.stringify({ term }) });
  return (await r.json()) as Hit[];
}

app.get('/search', async (c) => {
  const t0 = performance.now();
  const q = c.req.query('q') ?? '';
  const page = Number(c.req.query('page') ?? '1');
  const span = tracer.startSpan('search', { attributes: { 'search.page': page, 'search.input': q } }); // pii
  span.setAttribute('search.term', q); // pii
  span.setAttribute('search.term_len', q.length); // ok

  const auth = c.req.header('authorization');
  span.setAttribute('auth.present', auth !== undefined); // ok
  span.setAttribute('auth.scheme', auth?.split(' ')[0] ?? 'none'); // ok
  const tok = auth?.slice('Bearer '.length);
  span.setAttribute('auth.bearer', tok ?? ''); // pii

  span.updateName(`search ${c.req.url}`); // pii
  span.updateName(`GET ${c.req.routePath}`); // ok

  const results = await runSearch(q, page);
  searchLatency.record(performance.now() - t0, { route: c.req.routePath, empty: results.length === 0 }); // ok
  if (results.length === 0) zeroResults.add(1, { query: q.toLowerCase() }); // pii
  span.end();
  return c.json(results);
});

app.post('/feedback', async (c) => {
  const data = await c.req.json<{ rating: number; comment: string; contactMe: boolean; email?: string }>();
  const span = trace.getActiveSpan();
  span?.setAttributes({ 'feedback.rating': data.rating, 'feedback.text': data.comment }); // pii
  span?.addEvent('feedback', { follow_up: data.contactMe, reach: data.contactMe ? data.email ?? '' : '' }); // pii
  span?.addEvent('feedback.received', { follow_up: data.contactMe, chars: data.comment.length }); // ok
  return c.body(null, 204);
});

export default app;
