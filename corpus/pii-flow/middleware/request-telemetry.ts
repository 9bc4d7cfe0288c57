import type { Request, Response, NextFunction } from 'express';
import { trace, metrics, SpanStatusCode } from '@opentelemetry/api';
import { DuplicateAccountError, register } from '../errors/account-errors.js';
import { annotateActor } from '../shared/span-tags.js';
import { displayName, type Principal } from '../shared/identity.js';

const SAFE_HEADERS = ['accept', 'content-type', 'accept-encoding', 'x-request-id'] as const;
const requests = metrics.getMeter('http').createCounter('http.server.requests');

export function captureHeaders(req: Request, _res: Response, next: NextFunction): void {
  const span = trace.getActiveSpan();
  if (span) {
    for (const [k, v] of Object.entries(req.headers)) {
      span.setAttribute(`http.request.header.${k}`, String(v)); // pii
    }
    for (const k of SAFE_HEADERS) {
      span.setAttribute(`http.request.header.${k}`, String(req.headers[k] ?? '')); // ok
    }
  }
  next();
}

export function tagUser(req: Request & { user?: Principal }, _res: Response, next: NextFunction): void {
  const span = trace.getActiveSpan();
  if (span && req.user) {
    span.setAttribute('user.id', req.user.id); // ok
    span.setAttribute('user.roles', req.user.roles.join(',')); // ok
    annotateActor(span, displayName(req.user));
    span.setAttribute('user.email', req.user.email); // pii
  }
  next();
}

export function countRequests(req: Request, res: Response, next: NextFunction): void {
  res.on('finish', () => requests.add(1, { 'http.request.method': req.method, 'http.route': req.route?.path ?? 'unmatched', 'http.response.status_code': res.statusCode })); // ok
  res.on('finish', () => requests.add(1, { 'http.request.method': req.method, 'client.address': req.ip ?? '' })); // pii
  next();
}

export async function registerHandler(req: Request, res: Response): Promise<void> {
  const span = trace.getActiveSpan();
  const { login, orgId } = req.body as { login: string; orgId: string };
  try {
    const id = await register(login, orgId);
    res.status(201).json({ id });
  } catch (err) {
    if (err instanceof DuplicateAccountError) {
      span?.setAttribute('account.duplicate', true); // ok
      span?.setAttribute('account.duplicate_of', err.login); // pii
      res.status(409).end();
      return;
    }
    span?.setStatus({ code: SpanStatusCode.ERROR, message: 'registration failed' }); // ok
    res.status(500).end();
  }
}
