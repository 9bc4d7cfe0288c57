import { createServer } from 'node:http';
import { trace, metrics, SpanStatusCode } from '@opentelemetry/api';

const tracer = trace.getTracer('mailer-http');
const meter = metrics.getMeter('mailer-http');
const inflight = meter.createUpDownCounter('http.server.active_requests');
const perPeer = meter.createUpDownCounter('mailer.connections.by_peer');
const bodySize = meter.createHistogram('http.server.request.body.size', { unit: 'By' });

/** @type {Set<string>} */
const suppressed = new Set();

/**
 * @param {import('node:http').IncomingMessage} req
 * @returns {Promise<string>}
 */
function readBody(req) {
  return new Promise((resolve, reject) => {
    const chunks = [];
    req.on('data', (c) => chunks.push(c));
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

const server = createServer(async (req, res) => {
  const s = tracer.startSpan('mailer.request'); // ok
  const method = req.method ?? 'GET';
  inflight.add(1, { 'http.request.method': method }); // ok
  s.setAttribute('http.target', req.url ?? '/'); // pii

  const { pathname, searchParams } = new URL(req.url ?? '/', 'http://localhost');
  s.setAttribute('url.path', pathname); // ok
  s.setAttribute('url.query', searchParams.toString()); // pii
  s.setAttribute('url.query_keys', [...searchParams.keys()].join(',')); // ok

  const peer = req.socket.remoteAddress;
  s.setAttribute('client.address', peer ?? ''); // pii
  perPeer.add(1, { 'client.address': peer ?? 'unknown' }); // pii
  s.setAttribute('http.request.header.cookie', req.headers.cookie ?? ''); // pii

  res.on('finish', () => {
    inflight.add(-1, { 'http.request.method': method }); // ok
    perPeer.add(-1, { 'client.address': peer ?? 'unknown' }); // pii
    s.end();
  });

  if (pathname !== '/unsubscribe') {
    res.writeHead(404).end();
    return;
  }

  const addr = searchParams.get('email') ?? '';
  const raw = method === 'POST' ? await readBody(req) : '';
  bodySize.record(Buffer.byteLength(raw), { 'http.request.method': method }); // ok
  s.addEvent('request.body', { body: raw }); // pii

  let comment = '';
  try {
    const parsed = raw ? JSON.parse(raw) : {};
    comment = typeof parsed.comment === 'string' ? parsed.comment : '';
  } catch (e) {
    s.setStatus({ code: SpanStatusCode.ERROR, message: 'invalid json' }); // ok
  }
  s.setAttribute('unsubscribe.comment', comment); // pii
  s.setAttribute('unsubscribe.has_comment', comment.length > 0); // ok

  suppressed.add(addr);
  s.updateName('unsubscribe ' + addr); // pii
  res.writeHead(200, { 'content-type': 'text/plain' }).end('unsubscribed ' + addr);
});

server.listen(8081);
