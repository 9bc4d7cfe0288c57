// What the queue and LLM parts of the runtime share.
import { SpanStatusCode, trace, type Span, type Tracer, type TracerProvider } from '@opentelemetry/api';

/** The tracer's and meter's name: `configure({ tracerName })`, or the config's `tracerName` in a vendored runtime. */
let tracerName = 'otelify';
/** Whether exceptions keep their message and stack: `configure({ errorMessages })`, or the config's in a vendored runtime. */
let errorMessages = false;

/**
 * What `configure()` set, shared by every copy of the runtime in the process: an application whose files
 * `import` the package and `require` it loads its ES module and CommonJS builds apart, and both must follow
 * one configuration.
 */
export interface SharedSettings {
  tracerName?: string;
  prices?: Record<string, unknown>;
  promptHash?: boolean;
  errorMessages?: boolean;
}

const SETTINGS_KEY = Symbol.for('@otelify/runtime settings');
export const shared: SharedSettings = ((globalThis as unknown as Record<symbol, SharedSettings | undefined>)[SETTINGS_KEY] ??= {});

let cached: { name: string; provider: TracerProvider; tracer: Tracer } | undefined;

export function instrumentationName(): string {
  return shared.tracerName ?? tracerName;
}

/**
 * The API's tracer, got once: it forwards to whichever SDK is registered, also one registered after the
 * first call (getting it anew per span costs more than the rest of an unrecorded span). `trace.disable()`
 * replaces the API's global provider (a test suite that sets the SDK up again): the tracer is then got anew.
 */
export function tracer(): Tracer {
  const name = instrumentationName();
  const provider = trace.getTracerProvider();
  if (cached?.name !== name || cached.provider !== provider) cached = { name, provider, tracer: trace.getTracer(name) };
  return cached.tracer;
}

/**
 * The `exception` event of a failed operation: the error's class only, since messages and stacks often
 * quote user data (`User jane@example.com not found`); its message and stack too where the project asked.
 */
export function recordError(span: Span, error: unknown): void {
  if ((shared.errorMessages ?? errorMessages) && error instanceof Error) span.recordException(error);
  else span.addEvent('exception', { 'exception.type': errorType(error) });
}

/** The attributes of the `exception` event {@link recordError} adds, with or without the error's message and stack. */
export function exceptionAttributeNames(errorMessages: boolean): string[] {
  return errorMessages ? ['exception.message', 'exception.stacktrace', 'exception.type'] : ['exception.type'];
}

/** A low-cardinality name for an error: its class, never its message (messages often embed user data). */
export function errorType(error: unknown): string {
  if (error instanceof Error) return error.constructor.name || error.name || 'Error';
  return '_OTHER';
}

/** Marks a span failed: `error.type`, the `exception` event and ERROR status. */
export function failSpan(span: Span, error: unknown): void {
  span.setAttribute('error.type', errorType(error));
  recordError(span, error);
  // The status carries the error's class, never its message: messages often embed user data.
  span.setStatus({ code: SpanStatusCode.ERROR, message: errorType(error) });
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
