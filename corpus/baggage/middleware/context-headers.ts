import type { NextFunction, Request, Response } from 'express';
import { context, propagation } from '@opentelemetry/api';

const CONTEXT_PREFIX = 'x-ctx-';

/** Forwards the caller's `x-ctx-*` headers to every service this request calls. */
export function forwardContextHeaders(req: Request, _res: Response, next: NextFunction): void {
  let bag = propagation.getActiveBaggage() ?? propagation.createBaggage();
  for (const [name, value] of Object.entries(req.headers)) {
    if (!name.startsWith(CONTEXT_PREFIX) || value === undefined) continue;
    bag = bag.setEntry(name.slice(CONTEXT_PREFIX.length), { value: Array.isArray(value) ? value.join(',') : value }); // pii
  }
  context.with(propagation.setBaggage(context.active(), bag), next);
}

/** Puts every query parameter of the request into baggage, for downstream A/B analysis. */
export function queryToBaggage(req: Request, _res: Response, next: NextFunction): void {
  const entries = Object.entries(req.query).map(([k, v]) => [`q.${k}`, { value: String(v) }]);
  const bag = propagation.createBaggage(Object.fromEntries(entries)); // pii
  context.with(propagation.setBaggage(context.active(), bag), next);
}

/** The request id and the region of the edge that took the request: two short, known entries. */
export function edgeContext(req: Request, _res: Response, next: NextFunction): void {
  const requestId = req.get('x-request-id') ?? crypto.randomUUID();
  const edge = process.env.EDGE_REGION ?? 'eu-west-1';
  const bag = propagation.createBaggage({ 'request.id': { value: requestId }, 'edge.region': { value: edge } }); // ok
  context.with(propagation.setBaggage(context.active(), bag), next);
}

/** Forwards the client's cookie header so downstream services can read the session. */
export function forwardSession(req: Request, _res: Response, next: NextFunction): void {
  const bag = propagation.createBaggage({ 'session.cookie': { value: req.headers.cookie ?? '' } }); // pii
  context.with(propagation.setBaggage(context.active(), bag), next);
}
