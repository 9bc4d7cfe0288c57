import { Kafka, EachMessagePayload, IHeaders } from 'kafkajs';
import { trace, metrics, context, propagation, SpanKind, SpanStatusCode, TextMapGetter } from '@opentelemetry/api';

interface SwipeEvent {
  swiperId: string;
  targetId: string;
  direction: 'left' | 'right' | 'super';
  at: number;
}

interface Profile {
  id: string;
  displayName: string;
  birthYear: number;
  bio: string;
  orientation: string;
  interests: string[];
  prompts: { question: string; answer: string }[];
  location: { lat: number; lng: number };
  blocked: string[];
}

const kafka = new Kafka({ clientId: 'matcher', brokers: (process.env.KAFKA_BROKERS ?? 'localhost:9092').split(',') });
const consumer = kafka.consumer({ groupId: 'matcher-v2' });
const producer = kafka.producer();

const tracer = trace.getTracer('matcher');
const meter = metrics.getMeter('matcher');
const matchesMade = meter.createCounter('matcher.matches');
const scores = meter.createHistogram('matcher.score');

const headerGetter: TextMapGetter<IHeaders> = {
  keys: (carrier) => Object.keys(carrier),
  get: (carrier, key) => {
    const v = carrier[key];
    return Array.isArray(v) ? v.map(String) : v?.toString();
  },
};

async function loadProfile(id: string): Promise<Profile> {
  const res = await fetch(`${process.env.PROFILE_API}/internal/profiles/${encodeURIComponent(id)}`);
  if (!res.ok) throw new Error(`profile lookup failed with ${res.status}`);
  return (await res.json()) as Profile;
}

function parseSwipe(raw: string): SwipeEvent {
  const v = JSON.parse(raw);
  if (!v || typeof v.swiperId !== 'string' || typeof v.targetId !== 'string') throw new TypeError('swipe event missing ids');
  return v as SwipeEvent;
}

function assertVisible(a: Profile, b: Profile): void {
  if (a.blocked.includes(b.id) || b.blocked.includes(a.id)) {
    throw new Error(`pair hidden: ${a.displayName} <-> ${b.displayName}`);
  }
}

function kmBetween(a: Profile['location'], b: Profile['location']): number {
  const dx = (a.lng - b.lng) * 111 * Math.cos((a.lat * Math.PI) / 180);
  const dy = (a.lat - b.lat) * 111;
  return Math.sqrt(dx * dx + dy * dy);
}

function compatibility(a: Profile, b: Profile): number {
  const shared = a.interests.filter((i) => b.interests.includes(i)).length;
  const union = new Set([...a.interests, ...b.interests]).size || 1;
  return shared / union;
}

async function handle({ topic, partition, message }: EachMessagePayload): Promise<void> {
  const raw = message.value?.toString('utf8') ?? '';
  const parent = propagation.extract(context.active(), message.headers ?? {}, headerGetter);
  const span = tracer.startSpan('matcher.process', { kind: SpanKind.CONSUMER, attributes: { 'messaging.destination.name': topic, 'messaging.kafka.partition': partition } }, parent); // ok
  try {
    const evt = parseSwipe(raw);
    span.setAttributes({ 'swipe.direction': evt.direction, 'swipe.actor': evt.swiperId }); // ok

    const [a, b] = await Promise.all([loadProfile(evt.swiperId), loadProfile(evt.targetId)]);
    assertVisible(a, b);

    const score = compatibility(a, b);
    scores.record(score, { direction: evt.direction }); // ok
    span.setAttribute('match.band', kmBetween(a.location, b.location) > 50 ? 'far' : 'near'); // ok

    const opener = b.prompts[0];
    if (opener) span.setAttribute('match.opener', opener.answer); // pii
    span.setAttribute('match.preference', b.orientation); // pii
    span.addEvent('match.candidate', { snapshot: JSON.stringify(b) }); // pii

    if (score >= 0.4 && evt.direction !== 'left') {
      const headline = `${a.displayName} & ${b.displayName}`;
      span.addEvent('match.created', { headline }); // pii
      matchesMade.add(1, { tier: score > 0.75 ? 'top' : 'good', super: evt.direction === 'super' }); // ok
      await producer.send({ topic: 'matches', messages: [{ key: a.id, value: JSON.stringify({ a: a.id, b: b.id, score }) }] });
    }
  } catch (err) {
    span.recordException(err as Error); // pii
    span.setAttribute('error.type', (err as Error).constructor.name); // ok
    span.setStatus({ code: SpanStatusCode.ERROR, message: 'swipe_not_processed' }); // ok
  } finally {
    span.end();
  }
}

export async function run(): Promise<void> {
  await Promise.all([consumer.connect(), producer.connect()]);
  await consumer.subscribe({ topics: ['swipes'], fromBeginning: false });
  await consumer.run({ eachMessage: handle });
}
