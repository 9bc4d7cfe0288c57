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
