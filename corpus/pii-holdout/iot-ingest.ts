import { connect, JSONCodec, Msg, NatsConnection } from 'nats';
import { trace, metrics, SpanStatusCode } from '@opentelemetry/api';

interface Reading {
  deviceId: string;
  fw: string;
  ts: number;
  temperatureC: number;
  humidity: number;
  battery: number;
  rssi: number;
  site: string;
  gps?: { lat: number; lon: number };
  installer?: { name: string; phone: string };
}

const jc = JSONCodec<Reading>();
const tracer = trace.getTracer('iot-ingest');
const meter = metrics.getMeter('iot-ingest');
const temps = meter.createHistogram('iot.temperature', { unit: 'Cel' });
const lastBattery = new Map<string, number>();

meter.createObservableGauge('iot.battery', { unit: '%' }).addCallback((result) => {
  for (const [id, level] of lastBattery) {
    result.observe(level, { 'device.id': id }); // ok
  }
});

function endpoint(): string {
  const user = process.env.NATS_USER ?? 'ingest';
  const pass = process.env.NATS_PASS ?? '';
  const host = process.env.NATS_HOST ?? '127.0.0.1';
  return `nats://${user}:${pass}@${host}:4222`;
}

function handle(m: Msg): void {
  const span = tracer.startSpan('ingest.reading', { attributes: { 'messaging.destination.name': m.subject } }); // ok
  try {
    const r = jc.decode(m.data);
    const { deviceId, fw, temperatureC, humidity, battery, rssi, site } = r;
    span.setAttributes({ 'device.id': deviceId, 'device.fw': fw, 'device.site': site }); // ok
    if (typeof temperatureC !== 'number' || Number.isNaN(temperatureC)) {
      throw new TypeError(`non-numeric temperature from ${deviceId} (fw ${fw})`);
    }
    temps.record(temperatureC, { site }); // ok
    span.setAttributes({ 'reading.humidity': humidity, 'reading.rssi': rssi }); // ok
    lastBattery.set(deviceId, battery);
    if (temperatureC > 85) span.addEvent('overheat', { value: temperatureC, threshold: 85 }); // ok
    const path = m.subject.split('.').slice(1).join('/');
    span.setAttribute('device.path', path); // ok
    if (r.gps) {
      const where = `${r.gps.lat},${r.gps.lon}`;
      span.setAttribute('device.position', where); // pii
    }
    if (r.installer) span.addEvent('device.provisioned', { by: r.installer.name }); // pii
    const owner = m.headers?.get('x-account-email');
    if (owner) span.setAttribute('device.owner', owner); // pii
  } catch (err) {
    span.recordException(err as Error); // ok
    span.setStatus({ code: SpanStatusCode.ERROR, message: 'reading_rejected' }); // ok
  } finally {
    span.end();
  }
}

export async function main(): Promise<NatsConnection> {
  const span = tracer.startSpan('ingest.connect'); // ok
  const url = endpoint();
  const nc = await connect({ servers: url });
  span.setAttribute('nats.server', nc.getServer()); // ok
  span.setAttribute('nats.url', url); // pii
  span.end();
  const sub = nc.subscribe('telemetry.>', { queue: 'ingest' });
  (async () => {
    for await (const m of sub) handle(m);
  })();
  return nc;
}
