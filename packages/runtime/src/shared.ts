// What the queue and LLM parts of the runtime share.
import { trace, type Tracer } from '@opentelemetry/api';

/** The tracer's and meter's name: `configure({ tracerName })`, or the config's `tracerName` in a vendored runtime. */
let tracerName = 'otelify';

let cached: Tracer | undefined;

export function instrumentationName(): string {
  return tracerName;
}

export function setInstrumentationName(name: string): void {
  tracerName = name;
  cached = undefined;
}

/**
 * The API's tracer, got once: it forwards to whichever SDK is registered, also one registered after the
 * first call (getting it anew per span costs more than the rest of an unrecorded span).
 */
export function tracer(): Tracer {
  return (cached ??= trace.getTracer(tracerName));
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

/**
 * Globals every runtime has (Node, browsers, edge workers) that ES's own declarations lack, typed here so the
 * runtime compiles under any `lib` and without `@types/node`.
 */
const host = globalThis as unknown as {
  TextDecoder: new () => { decode(bytes: Uint8Array): string };
  setTimeout(callback: () => void, ms: number): unknown;
};

export function decodeText(bytes: Uint8Array): string {
  return new host.TextDecoder().decode(bytes);
}

/** Runs `callback` once the current task is done. */
export function later(callback: () => void): void {
  host.setTimeout(callback, 0);
}
