// What the queue and LLM parts of the runtime share.
import { trace, type Tracer } from '@opentelemetry/api';

/** The tracer's and meter's name; the config's `tracerName` replaces it in the runtime file. */
export const TRACER_NAME = 'otelify';

let cached: Tracer | undefined;

/**
 * The API's tracer, got once: it forwards to whichever SDK is registered, also one registered after the
 * first call (getting it anew per span costs more than the rest of an unrecorded span).
 */
export function tracer(): Tracer {
  return (cached ??= trace.getTracer(TRACER_NAME));
}

/** A low-cardinality name for an error: its class, never its message (messages often embed user data). */
export function errorType(error: unknown): string {
  if (error instanceof Error) return error.constructor.name || error.name || 'Error';
  return '_OTHER';
}

export function isThenable(value: unknown): value is PromiseLike<unknown> {
  return (
    (typeof value === 'object' || typeof value === 'function') &&
    value !== null &&
    typeof (value as { then?: unknown }).then === 'function'
  );
}
