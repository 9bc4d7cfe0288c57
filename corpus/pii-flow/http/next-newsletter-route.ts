import { NextRequest, NextResponse } from 'next/server';
import { cookies, headers } from 'next/headers';
import { trace, SpanStatusCode, type Span } from '@opentelemetry/api';
import { fingerprint } from '../shared/hash.js';

const tracer = trace.getTracer('web-next');

interface SubscribeRequest {
  address: string;
  lists: string[];
  source?: string;
}

const pending = new Map<string, string>();

async function subscribe(span: Span, request: NextRequest): Promise<NextResponse> {
  const payload = (await request.json()) as SubscribeRequest;
  const h = await headers();
  const fwd = h.get('x-forwarded-for') ?? '';
  const origin = fwd.split(',')[0].trim();
  span.setAttribute('net.peer', origin); // pii
  span.setAttribute('newsletter.lists', payload.lists.join(',')); // ok
  span.setAttribute('newsletter.subscriber', fingerprint(payload.address)); // ok

  const jar = await cookies();
  const sid = jar.get('sid')?.value;
  span.setAttribute('session', sid ?? 'anonymous'); // pii
  span.setAttribute('session.present', sid !== undefined); // ok

  const token = crypto.randomUUID();
  pending.set(payload.address, token);
  span.end();
  return NextResponse.json({ ok: true }, { status: 202 });
}

export async function POST(request: NextRequest) {
  return tracer.startActiveSpan('newsletter.subscribe', (span) => subscribe(span, request)); // ok
}

export async function GET(request: NextRequest) {
  const span = trace.getActiveSpan();
  const u = request.nextUrl;
  span?.setAttribute('url.full', u.toString()); // pii
  span?.setAttribute('url.path', u.pathname); // ok
  span?.setAttribute('confirm.has_token', u.searchParams.has('t')); // ok
  const who = u.searchParams.get('email') ?? '';
  const t = u.searchParams.get('t');
  if (!t) {
    span?.setStatus({ code: SpanStatusCode.ERROR, message: 'missing token' }); // ok
    return NextResponse.json({ error: 'missing token' }, { status: 400 });
  }
  if (pending.get(who) !== t) {
    span?.setStatus({ code: SpanStatusCode.ERROR, message: `no pending subscription for ${who}` }); // pii
    return NextResponse.json({ error: 'not found' }, { status: 404 });
  }
  pending.delete(who);
  span?.addEvent('newsletter.confirmed', { who }); // pii
  return NextResponse.redirect(new URL('/newsletter/thanks', request.url));
}
