import { connect, StringCodec } from 'nats';
import { trace, metrics } from '@opentelemetry/api';

const tracer = trace.getTracer('chat-relay');
const delivered = metrics.getMeter('chat-relay').createCounter('chat.delivered');
const sc = StringCodec();

/**
 * @param {import('@opentelemetry/api').Span} s
 * @param {{ text: string }} m
 */
function tagModeration(s, m) {
  s.setAttribute('moderation.input', m.text); // pii
  s.setAttribute('moderation.links', (m.text.match(/https?:\/\//g) || []).length); // ok
}

/** @param {string} t */
function preview(t) {
  return t.length > 80 ? t.slice(0, 77) + '...' : t;
}

const nc = await connect({ servers: process.env.NATS_URL || 'nats://localhost:4222' });
const sub = nc.subscribe('chat.messages.>');

for await (const msg of sub) {
  const s = tracer.startSpan('chat.deliver'); // ok
  s.setAttribute('messaging.destination.name', msg.subject); // ok
  const data = JSON.parse(sc.decode(msg.data));
  s.setAttribute('chat.sender', data.senderId); // ok
  s.setAttribute('chat.text', data.text); // pii
  s.setAttribute('chat.preview', preview(data.text)); // pii
  s.setAttribute('chat.mentions', data.mentions.length); // ok
  if (data.mentions.length) s.addEvent('chat.mention', { handles: data.mentions.join(' ') }); // pii
  tagModeration(s, data);
  const geo = data.location;
  s.setAttribute('chat.has_location', Boolean(geo)); // ok
  if (geo) s.setAttributes({ 'geo.lat': geo.lat, 'geo.lon': geo.lon }); // pii
  delivered.add(1, { room_type: data.roomId.startsWith('dm_') ? 'direct' : 'group' }); // ok
  s.end();
}
