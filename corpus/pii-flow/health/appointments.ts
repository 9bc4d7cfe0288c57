import Fastify from 'fastify';
import pg from 'pg';
import { trace, metrics, SpanStatusCode } from '@opentelemetry/api';

const tracer = trace.getTracer('clinic-booking');
const meter = metrics.getMeter('clinic-booking');
const bookings = meter.createCounter('clinic.bookings');
const waitDays = meter.createHistogram('clinic.wait_days');
const pool = new pg.Pool();
const app = Fastify();

interface BookingRequest {
  patientId: string;
  clinicId: string;
  slotId: string;
  reason: string;
  symptoms: string[];
  insurance: { provider: string; memberNumber: string };
}

interface PatientRow {
  id: string;
  mrn: string;
  given_name: string;
  family_name: string;
  date_of_birth: Date;
  phone: string;
}

interface Observation {
  code: string;
  value: number;
  unit: string;
  patientId: string;
}

function label(p: PatientRow): string {
  return `${p.given_name} ${p.family_name} (${p.date_of_birth.toISOString().slice(0, 10)})`;
}

app.post<{ Body: BookingRequest }>('/appointments', async (request, reply) => {
  const span = tracer.startSpan('appointment.book', { attributes: { 'appointment.note': request.body.reason } }); // pii
  const b = request.body;
  span.setAttribute('patient.id', b.patientId); // ok
  span.setAttribute('appointment.reason', b.reason); // pii
  span.setAttribute('appointment.symptom_count', b.symptoms.length); // ok
  span.setAttribute('appointment.symptoms', b.symptoms.join('; ')); // pii

  const ins = b.insurance;
  span.setAttribute('insurance.provider', ins.provider); // ok
  span.setAttribute('insurance.member', ins.memberNumber); // pii

  const { rows } = await pool.query<PatientRow>('SELECT id, mrn, given_name, family_name, date_of_birth, phone FROM patients WHERE id = $1', [b.patientId]);
  const p = rows[0];
  if (!p) {
    span.setStatus({ code: SpanStatusCode.ERROR, message: 'patient not found' }); // ok
    span.end();
    return reply.code(404).send();
  }
  span.setAttribute('patient.mrn', p.mrn); // pii
  span.addEvent('patient.resolved', { who: label(p) }); // pii
  span.setAttribute('patient.sms', p.phone); // pii

  const slotDate = new Date(b.slotId.split('_')[1] ?? Date.now());
  waitDays.record(Math.max(0, Math.round((slotDate.getTime() - Date.now()) / 86_400_000)), { clinic: b.clinicId }); // ok
  bookings.add(1, { clinic: b.clinicId, channel: 'web' }); // ok
  span.end();
  return reply.code(201).send({ ok: true });
});

app.post<{ Body: Observation[] }>('/lab/observations', async (request) => {
  const span = tracer.startSpan('lab.ingest', { attributes: { 'lab.batch_size': request.body.length } }); // ok
  for (const obs of request.body) {
    span.addEvent('lab.observation', { 'lab.code': obs.code, 'lab.unit': obs.unit }); // ok
    span.addEvent('lab.result', { 'lab.code': obs.code, 'lab.value': obs.value, 'patient.ref': obs.patientId }); // pii
    span.setAttribute(`lab.${obs.code}`, obs.value); // pii
  }
  span.end();
  return { accepted: request.body.length };
});

await app.listen({ port: 9090 });
