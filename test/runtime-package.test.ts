import { spawnSync } from 'node:child_process';
import { resolve } from 'node:path';
import { expect, it } from 'vitest';

const ROOT = resolve(import.meta.dirname, '..');

it('configure() through the ES module build also configures the CommonJS build loaded in the same process', () => {
  // An application whose files `import` the package and `require` it loads both builds; one configuration holds.
  const script = `
    import { createRequire } from 'node:module';
    import { trace } from '@opentelemetry/api';
    import { BasicTracerProvider, InMemorySpanExporter, SimpleSpanProcessor } from '@opentelemetry/sdk-trace-base';
    import * as esm from '@otelify/runtime';
    const cjs = createRequire(import.meta.url)('@otelify/runtime');
    const exporter = new InMemorySpanExporter();
    trace.setGlobalTracerProvider(new BasicTracerProvider({ spanProcessors: [new SimpleSpanProcessor(exporter)] }));
    const spec = { system: 'rabbitmq', operation: 'publish', destination: 'orders' };
    cjs.traceSend(spec, () => true);
    esm.configure({ tracerName: 'shop' });
    cjs.traceSend(spec, () => true);
    esm.traceSend(spec, () => true);
    console.log(JSON.stringify({ distinct: esm.traceSend !== cjs.traceSend, scopes: exporter.getFinishedSpans().map((s) => s.instrumentationScope.name) }));
  `;
  const run = spawnSync(process.execPath, ['--input-type=module', '-e', script], { cwd: ROOT, encoding: 'utf8' });
  expect(run.stderr).toBe('');
  expect(JSON.parse(run.stdout)).toEqual({ distinct: true, scopes: ['otelify', 'shop', 'shop'] });
});

it('records only the class of a thrown error by default, its message and stack once configure({ errorMessages: true })', () => {
  // A fresh process per run: the setting is process-wide.
  const script = `
    import { trace } from '@opentelemetry/api';
    import { BasicTracerProvider, InMemorySpanExporter, SimpleSpanProcessor } from '@opentelemetry/sdk-trace-base';
    import * as otelify from '@otelify/runtime';
    const exporter = new InMemorySpanExporter();
    trace.setGlobalTracerProvider(new BasicTracerProvider({ spanProcessors: [new SimpleSpanProcessor(exporter)] }));
    const fail = () => { throw new TypeError('User jane@example.com not found'); };
    const events = () => exporter.getFinishedSpans().map((s) => ({ status: s.status.message, events: s.events.map((e) => e.attributes) }));
    const handler = otelify.traceProcess({ system: 'rabbitmq', headers: 'properties.headers' }, fail);
    try { handler({ properties: { headers: {} } }); } catch {}
    try { otelify.traceLLM({ provider: 'openai', operation: 'chat', api: 'openai.chat' }, fail); } catch {}
    const byDefault = events();
    exporter.reset();
    otelify.configure({ errorMessages: true });
    try { handler({ properties: { headers: {} } }); } catch {}
    const optedIn = events();
    console.log(JSON.stringify({ byDefault, optedIn }));
  `;
  const run = spawnSync(process.execPath, ['--input-type=module', '-e', script], { cwd: ROOT, encoding: 'utf8' });
  expect(run.stderr).toBe('');
  const { byDefault, optedIn } = JSON.parse(run.stdout) as { byDefault: { status: string; events: Record<string, unknown>[] }[]; optedIn: typeof byDefault };
  expect(byDefault).toEqual([
    { status: 'TypeError', events: [{ 'exception.type': 'TypeError' }] },
    { status: 'TypeError', events: [{ 'exception.type': 'TypeError' }] },
  ]);
  expect(JSON.stringify(byDefault)).not.toContain('jane@example.com');
  expect(optedIn[0]!.events[0]).toMatchObject({ 'exception.type': 'TypeError', 'exception.message': 'User jane@example.com not found' });
  expect(optedIn[0]!.events[0]!['exception.stacktrace']).toContain('TypeError');
});
