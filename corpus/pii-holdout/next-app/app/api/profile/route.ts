import { NextRequest, NextResponse } from 'next/server';
import { headers } from 'next/headers';
import { trace, metrics, Span, SpanStatusCode } from '@opentelemetry/api';

type Session = { userId: number; plan: 'free' | 'pro' };

const tracer = trace.getTracer('web-app');
const meter = metrics.getMeter('web-app');
const updates = meter.createCounter('profile.updates');

async function loadSession(sid: string | undefined): Promise<Session | null> {
  if (!sid) return null;
  const res = await fetch(`${process.env.SESSION_API}/sessions/${sid}`, { cache: 'no-store' });
  return res.ok ? ((await res.json()) as Session) : null;
}

async function readProfile(span: Span, req: NextRequest): Promise<NextResponse> {
  try {
    const sid = req.cookies.get('sid')?.value;
    span.setAttribute('session.present', Boolean(sid)); // ok
    span.setAttribute('session.ref', sid ?? ''); // pii
    span.setAttribute('http.full_url', req.url); // pii
    const view = req.nextUrl.searchParams.get('view') === 'full' ? 'full' : 'summary';
    const session = await loadSession(sid);
    if (!session) return NextResponse.json({ error: 'unauthorized' }, { status: 401 });
    span.setAttributes({ 'user.id': session.userId, 'user.plan': session.plan }); // ok
    return NextResponse.json({ id: session.userId, view });
  } finally {
    span.end();
  }
}

async function writeProfile(span: Span, req: NextRequest): Promise<NextResponse> {
  try {
    const body = await req.json();
    const { displayName, bio, birthday, ...rest } = body as { displayName?: string; bio?: string; birthday?: string; [k: string]: unknown };
    span.setAttribute('profile.other_fields', Object.keys(rest).length); // ok
    span.setAttribute('profile.about', bio ?? ''); // pii
    span.addEvent('profile.birthday', { value: birthday ?? '' }); // pii
    const h = await headers();
    span.setAttribute('client.fingerprint', `${h.get('user-agent')} ${h.get('x-real-ip')}`); // pii
    const bearer = req.headers.get('authorization')?.replace(/^Bearer\s+/i, '') ?? '';
    span.setAttribute('auth.presented', bearer); // pii
    if (displayName) span.updateName(`profile.update ${displayName}`); // pii
    span.addEvent('profile.extra', rest as Record<string, string>); // pii
    updates.add(1, { fields: String(Object.keys(body).length) }); // ok
    span.setStatus({ code: SpanStatusCode.OK }); // ok
    return new NextResponse(null, { status: 204 });
  } finally {
    span.end();
  }
}

export function GET(req: NextRequest) {
  return tracer.startActiveSpan('GET /api/profile', (span) => readProfile(span, req)); // ok
}

export function PUT(req: NextRequest) {
  return tracer.startActiveSpan('PUT /api/profile', (span) => writeProfile(span, req)); // ok
}
