import express, { NextFunction, Request, Response } from 'express';
import { trace, metrics, SpanStatusCode } from '@opentelemetry/api';
import { fingerprint, fullName } from './lib-people';

type Student = {
  id: number;
  firstName: string;
  lastName: string;
  dateOfBirth: string;
  guardianEmail: string;
  grade: number;
  homeroom: string;
  medicalNotes?: string;
};

const app = express();
app.use(express.json({ limit: '200kb' }));

const meter = metrics.getMeter('school-admin');
const enrolments = meter.createCounter('school.enrolments');
const searches = meter.createCounter('school.searches');
const SCOPES = ['students', 'staff', 'classes'];

const students = new Map<number, Student>();
let nextId = 1000;

app.use((req: Request, _res: Response, next: NextFunction) => {
  const span = trace.getActiveSpan();
  span?.setAttribute('school.request_target', req.originalUrl); // pii
  next();
});

app.get('/students/:id', (req, res) => {
  const span = trace.getActiveSpan();
  const id = Number(req.params.id);
  span?.setAttribute('student.id', id); // ok
  const s = students.get(id);
  if (!s) {
    span?.setStatus({ code: SpanStatusCode.ERROR, message: `student ${id} not found` }); // ok
    return res.status(404).json({ error: 'not_found' });
  }
  span?.setAttribute('student.label', fullName(s)); // pii
  res.json(s);
});

app.post('/students', (req, res) => {
  const span = trace.getActiveSpan();
  const { firstName, lastName, dateOfBirth, guardianEmail, grade, homeroom } = req.body;
  const born = new Date(dateOfBirth);
  if (Number.isNaN(born.getTime())) {
    const problem = new Error(`could not parse "${dateOfBirth}" for ${firstName} ${lastName}`);
    span?.recordException(problem); // pii
    return res.status(400).json({ error: 'invalid_date' });
  }
  span?.setAttribute('student.born', born.toISOString().slice(0, 10)); // pii
  span?.setAttribute('student.year_group', Number(grade)); // ok
  span?.setAttributes({ homeroom: String(homeroom), guardian: fingerprint(guardianEmail) }); // ok
  const student: Student = { id: nextId++, firstName, lastName, dateOfBirth, guardianEmail, grade, homeroom };
  students.set(student.id, student);
  const contact = guardianEmail;
  span?.addEvent('guardian.notified', { to: contact }); // pii
  enrolments.add(1, { grade: String(grade), homeroom: String(homeroom) }); // ok
  res.status(201).json({ id: student.id });
});

app.patch('/students/:id', (req, res) => {
  const span = trace.getActiveSpan();
  const current = students.get(Number(req.params.id));
  if (!current) return res.sendStatus(404);
  const changes: Record<string, unknown> = req.body ?? {};
  const record = current as unknown as Record<string, unknown>;
  const changed = Object.keys(changes).filter((k) => k in record && record[k] !== changes[k]);
  span?.setAttribute('student.changed_fields', changed.join(',')); // ok
  for (const key of changed) {
    span?.setAttribute(`student.previous.${key}`, String(record[key])); // pii
    record[key] = changes[key];
  }
  if ('medicalNotes' in changes) {
    span?.addEvent('student.health_updated', { present: Boolean(changes.medicalNotes) }); // ok
    span?.addEvent('student.health_detail', { detail: String(changes.medicalNotes ?? '') }); // pii
  }
  res.json(current);
});

app.get('/search', (req, res) => {
  const span = trace.getActiveSpan();
  const term = String(req.query.q ?? '').trim();
  const requested = String(req.query.scope ?? '');
  const scope = SCOPES.includes(requested) ? requested : 'students';
  searches.add(1, { scope }); // ok
  span?.setAttribute('search.length', term.length); // ok
  span?.setAttribute('search.input', term); // pii
  const needle = term.toLowerCase();
  const hits = [...students.values()].filter((s) => fullName(s).toLowerCase().includes(needle));
  res.json(hits.map((s) => ({ id: s.id, name: fullName(s) })));
});

app.use((err: Error, _req: Request, res: Response, _next: NextFunction) => {
  const span = trace.getActiveSpan();
  span?.setAttribute('error.type', err.name); // ok
  res.status(500).json({ error: 'internal' });
});

app.listen(Number(process.env.PORT ?? 3000));
