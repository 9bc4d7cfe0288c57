// Run-time cost of the code otelify wraps around an LLM call: the real openai client against a loopback
// OpenAI API, called as written and as rewritten (traceLLM + llmRequest), in alternating rounds so both see
// the same machine. First with only the OpenTelemetry API (no SDK: the no-op tracer), then with the SDK and
// an in-memory exporter. Prints JSON.
import { context, trace } from '@opentelemetry/api';
import { AsyncHooksContextManager } from '@opentelemetry/context-async-hooks';
import { BasicTracerProvider, InMemorySpanExporter, SimpleSpanProcessor } from '@opentelemetry/sdk-trace-base';
import { createJiti } from 'jiti';
import OpenAI from 'openai';
import { llmRequest, traceLLM } from '../dist/runtime/index.js';

const ROUNDS = Number(process.env.BENCH_LLM_ROUNDS ?? 30);
const CALLS = 50;
const { startFakeLLM } = await createJiti(import.meta.url).import('../test/support/fake-llm.ts');
const server = await startFakeLLM();
const client = new OpenAI({ baseURL: `${server.url}/v1`, apiKey: 'bench', maxRetries: 0 });
const body = () => ({ model: 'gpt-4o', messages: [{ role: 'user', content: 'hello' }], temperature: 0 });
const spec = { provider: 'openai', operation: 'chat', api: 'openai.chat', model: 'gpt-4o' };

const plain = () => client.chat.completions.create(body());
const wrapped = () => traceLLM(spec, () => client.chat.completions.create(llmRequest(body())));

async function timed(call) {
  const started = performance.now();
  await call();
  return performance.now() - started;
}

/**
 * Median per-call time of each, from calls made in pairs (the order alternating), so both see the same
 * moment of the machine: a loopback call varies more from second to second than the wrapper costs.
 */
async function compare() {
  const times = { plain: [], wrapped: [] };
  for (let i = 0; i < ROUNDS * CALLS; i++) {
    if (i % 2 === 0) {
      times.plain.push(await timed(plain));
      times.wrapped.push(await timed(wrapped));
    } else {
      times.wrapped.push(await timed(wrapped));
      times.plain.push(await timed(plain));
    }
  }
  const median = (list) => list.sort((a, b) => a - b)[Math.floor(list.length / 2)];
  return { plainMs: median(times.plain), wrappedMs: median(times.wrapped) };
}

/** The wrapper alone, around a call that does nothing: what otelify adds to each call, in microseconds. */
function wrapperCostUs() {
  const n = 100_000;
  const started = performance.now();
  for (let i = 0; i < n; i++) traceLLM(spec, () => llmRequest(i));
  return ((performance.now() - started) / n) * 1000;
}

for (let i = 0; i < 200; i++) await wrapped(); // warm up both paths and the connection pool
const apiOnly = { ...(await compare()), wrapperUs: wrapperCostUs() };

const exporter = new InMemorySpanExporter();
const provider = new BasicTracerProvider({ spanProcessors: [new SimpleSpanProcessor(exporter)] });
context.setGlobalContextManager(new AsyncHooksContextManager().enable());
trace.setGlobalTracerProvider(provider);
const withSdk = { ...(await compare()), wrapperUs: wrapperCostUs() };
// Spans were really recorded (a benchmark of a no-op would prove nothing).
const spans = exporter.getFinishedSpans().length;
if (spans < ROUNDS * CALLS + 100_000) throw new Error(`expected ${ROUNDS * CALLS + 100_000} spans, got ${spans}`);
await server.close();
process.stdout.write(JSON.stringify({ apiOnly, withSdk, calls: ROUNDS * CALLS * 2 }));
