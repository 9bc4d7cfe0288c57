// Run-time cost of the code otelify wraps around an LLM call: the real openai client against a loopback
// OpenAI API, called as written and as rewritten (traceLLM + llmRequest), in alternating rounds so both see
// the same machine. First with only the OpenTelemetry API (no SDK: the no-op tracer), then with the SDK and
// an in-memory exporter. Prints JSON.
import { context, trace } from '@opentelemetry/api';
import { AsyncHooksContextManager } from '@opentelemetry/context-async-hooks';
import { BasicTracerProvider, InMemorySpanExporter, SimpleSpanProcessor } from '@opentelemetry/sdk-trace-base';
import { createJiti } from 'jiti';
import OpenAI from 'openai';
import { llmRequest, traceLLM } from '@otelify/runtime';
import '@otelify/runtime/openai';

const ROUNDS = Number(process.env.BENCH_LLM_ROUNDS ?? 30);
const CALLS = 50;
const BLOCKS = 5;
const { startFakeLLM } = await createJiti(import.meta.url).import('../test/support/fake-llm.ts');
const server = await startFakeLLM();
const client = new OpenAI({ baseURL: `${server.url}/v1`, apiKey: 'bench', maxRetries: 0 });
const body = () => ({ model: 'gpt-4o', messages: [{ role: 'user', content: 'hello' }], temperature: 0 });
const spec = { provider: 'openai', operation: 'chat', api: 'openai.chat', model: 'gpt-4o' };

const plain = () => client.chat.completions.create(body());
// The call as written once more, as a second function: comparing it with `plain` shows the method's own noise.
const plainAgain = () => client.chat.completions.create(body());
const wrapped = () => traceLLM(spec, () => client.chat.completions.create(llmRequest(body())));

async function timed(call) {
  const started = performance.now();
  await call();
  return performance.now() - started;
}

/**
 * Median per-call time of each, from calls made in pairs (the order alternating), so both see the same
 * moment of the machine: a loopback call varies more from second to second than the wrapper costs. The calls
 * run in blocks, and the block whose difference is the median counts: one slow stretch does not decide.
 */
async function compare(other = wrapped) {
  const blocks = [];
  for (let block = 0; block < BLOCKS; block++) {
    const times = { plain: [], wrapped: [] };
    for (let i = 0; i < (ROUNDS * CALLS) / BLOCKS; i++) {
      if (i % 2 === 0) {
        times.plain.push(await timed(plain));
        times.wrapped.push(await timed(other));
      } else {
        times.wrapped.push(await timed(other));
        times.plain.push(await timed(plain));
      }
    }
    blocks.push({ plainMs: median(times.plain), wrappedMs: median(times.wrapped) });
  }
  const overhead = ({ plainMs, wrappedMs }) => wrappedMs / plainMs;
  return blocks.sort((a, b) => overhead(a) - overhead(b))[Math.floor(BLOCKS / 2)];
}

const median = (list) => list.sort((a, b) => a - b)[Math.floor(list.length / 2)];

/** The wrapper alone, around a call that does nothing: what otelify adds to each call, in microseconds. */
function wrapperCostUs() {
  const n = 100_000;
  const started = performance.now();
  for (let i = 0; i < n; i++) traceLLM(spec, () => llmRequest(i));
  return ((performance.now() - started) / n) * 1000;
}

// Warm up every path, the connection pool and the JIT: the first few thousand calls run measurably slower, and
// whichever comparison ran first would pay for it.
for (let i = 0; i < 3000; i++) {
  await plain();
  await wrapped();
  await plainAgain();
}
const control = await compare(plainAgain);
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
process.stdout.write(JSON.stringify({ control, apiOnly, withSdk, calls: ROUNDS * CALLS * 2 }));
