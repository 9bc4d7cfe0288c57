import { context, propagation, trace } from '@opentelemetry/api';
import { AsyncHooksContextManager } from '@opentelemetry/context-async-hooks';
import { CompositePropagator, W3CBaggagePropagator, W3CTraceContextPropagator } from '@opentelemetry/core';
import { BasicTracerProvider, InMemorySpanExporter, SimpleSpanProcessor, type ReadableSpan, type SpanProcessor } from '@opentelemetry/sdk-trace-base';

/**
 * The real OpenTelemetry SDK as an application would register it: W3C trace context + baggage, async-hooks
 * context manager, and an in-memory exporter the tests read.
 */
export function setupOtel(options: { spanProcessors?: SpanProcessor[] } = {}) {
  const exporter = new InMemorySpanExporter();
  const provider = new BasicTracerProvider({ spanProcessors: [new SimpleSpanProcessor(exporter), ...(options.spanProcessors ?? [])] });
  const contextManager = new AsyncHooksContextManager().enable();
  const propagator = new CompositePropagator({ propagators: [new W3CTraceContextPropagator(), new W3CBaggagePropagator()] });
  const register = () => {
    context.setGlobalContextManager(contextManager);
    trace.setGlobalTracerProvider(provider);
    propagation.setGlobalPropagator(propagator);
  };
  register();
  return {
    exporter,
    /**
     * Makes this set-up the global one again: a file with several set-ups (one per `describe.each` case) makes
     * them all while collecting its tests, when only the first can register; each registers again before it runs.
     */
    register,
    spans: (): ReadableSpan[] => exporter.getFinishedSpans(),
    reset: () => exporter.reset(),
    async shutdown() {
      await provider.shutdown();
      trace.disable();
      context.disable();
      propagation.disable();
    },
  };
}

/** Polls until `check` returns a value (or throws after `timeoutMs`). */
export async function waitFor<T>(check: () => T | undefined | false, timeoutMs = 5000, what = 'condition'): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = check();
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

export function parentSpanId(span: ReadableSpan): string | undefined {
  return span.parentSpanContext?.spanId;
}

/**
 * Runs `fn` as a producer application would: inside a root span, with a `tenant.id=acme` baggage entry that
 * the consumer side should see again.
 */
export function inRootSpan<T>(fn: () => T, name = 'request') {
  const root = trace.getTracer('test').startSpan(name);
  const ctx = propagation.setBaggage(trace.setSpan(context.active(), root), propagation.createBaggage({ 'tenant.id': { value: 'acme' } }));
  const result = context.with(ctx, fn);
  root.end();
  return { root, result };
}

/** What a message handler sees of the trace: the active trace id and the tenant baggage entry. */
export function observed<T>(body: T) {
  return {
    body,
    traceId: trace.getActiveSpan()?.spanContext().traceId,
    tenant: propagation.getBaggage(context.active())?.getEntry('tenant.id')?.value,
  };
}
