import { context, propagation, SpanKind, SpanStatusCode, trace } from '@opentelemetry/api';
import { mkdirSync, writeFileSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import ts from 'typescript';
import { afterAll, describe, expect, it } from 'vitest';
import { setupOtel } from './support/otel.js';

// A handler class as a framework sees it: an outer decorator records metadata on the method it is given (as
// NestJS's do), and the runtime's decorator sits below it. Compiled in both of TypeScript's decorator modes.
const SOURCE = `
import * as otelify from '@otelify/runtime';

export const marks = new WeakMap<object, string>();
function Subscribe(queue: string): any {
  return (...args: any[]) => {
    const method = args.length === 2 ? args[0] : args[2].value;
    marks.set(method, queue);
  };
}

export class Handlers {
  readonly seen: string[] = [];

  @Subscribe('billing')
  @otelify.traceHandler({ system: 'rabbitmq', destination: 'billing', payloadArg: 1, headers: 'properties.headers' })
  async bill(body: string, raw?: { properties: { headers: Record<string, string> } }): Promise<string> {
    this.seen.push(body + ':' + String(raw !== undefined));
    if (body === 'broken') throw new TypeError('expected by test');
    return 'billed ' + body;
  }
}
`;

const TMP = resolve(import.meta.dirname, '.tmp/handler-decorator');

async function compiled(mode: 'legacy' | 'standard') {
  mkdirSync(TMP, { recursive: true });
  const js = ts.transpileModule(SOURCE, {
    compilerOptions: { target: ts.ScriptTarget.ES2022, module: ts.ModuleKind.ESNext, experimentalDecorators: mode === 'legacy' },
  }).outputText;
  const file = join(TMP, `handlers-${mode}.mjs`);
  writeFileSync(file, js);
  return (await import(pathToFileURL(file).href)) as { Handlers: new () => { seen: string[]; bill(body: string, raw?: unknown): Promise<string> }; marks: WeakMap<object, string> };
}

describe('the traceHandler decorator', () => {
  const otel = setupOtel();
  afterAll(() => otel.shutdown());

  for (const mode of ['legacy', 'standard'] as const) {
    it(`(${mode} decorators) runs each call in a CONSUMER span continuing the message's trace; the outer decorator's metadata is on the method called`, async () => {
      otel.reset();
      const { Handlers, marks } = await compiled(mode);
      const handlers = new Handlers();
      expect(marks.get(Handlers.prototype.bill)).toBe('billing');
      const producer = trace.getTracer('test').startSpan('publish billing', { kind: SpanKind.PRODUCER });
      const headers: Record<string, string> = {};
      const sent = propagation.setBaggage(trace.setSpan(context.active(), producer), propagation.createBaggage({ 'tenant.id': { value: 'acme' } }));
      propagation.inject(sent, headers);
      producer.end();
      expect(await handlers.bill('o-1', { properties: { headers } })).toBe('billed o-1');
      expect(handlers.seen).toEqual(['o-1:true']);
      const consumer = otel.spans().find((s) => s.kind === SpanKind.CONSUMER)!;
      expect(consumer.name).toBe('process billing');
      expect(consumer.spanContext().traceId).toBe(producer.spanContext().traceId);

      otel.reset();
      await expect(handlers.bill('broken', { properties: { headers } })).rejects.toThrow(TypeError);
      const failed = otel.spans().find((s) => s.kind === SpanKind.CONSUMER)!;
      expect(failed.status.code).toBe(SpanStatusCode.ERROR);
      expect(failed.attributes['error.type']).toBe('TypeError');
    });
  }

  it('type-checks in both modes under TypeScript 6 and 7', () => {
    mkdirSync(TMP, { recursive: true });
    const file = join(TMP, 'handlers.ts');
    writeFileSync(file, SOURCE.replace(': any {', ': (...args: any[]) => void {'));
    const tsc7 = resolve(import.meta.dirname, '../node_modules/typescript7/bin/tsc');
    const tsc6 = resolve(import.meta.dirname, '../node_modules/typescript/bin/tsc');
    for (const tsc of [tsc6, tsc7]) {
      for (const legacy of [true, false]) {
        const config = join(TMP, `tsconfig.${legacy ? 'legacy' : 'standard'}.json`);
        const compilerOptions = { noEmit: true, strict: true, target: 'ES2022', module: 'NodeNext', moduleResolution: 'NodeNext', skipLibCheck: true, types: ['node'], experimentalDecorators: legacy };
        writeFileSync(config, JSON.stringify({ compilerOptions, files: ['handlers.ts'] }));
        const run = spawnSync(process.execPath, [tsc, '-p', config], { encoding: 'utf8' });
        const label = `${tsc === tsc7 ? 'TS 7' : 'TS 6'} ${legacy ? 'legacy' : 'standard'}: `;
        expect(label + run.stdout + run.stderr).toBe(label);
      }
    }
  }, 120_000);
});
