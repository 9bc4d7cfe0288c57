import { SpanStatusCode } from '@opentelemetry/api';
import type { ReadableSpan } from '@opentelemetry/sdk-trace-base';
import { join } from 'node:path';
import { afterAll, beforeAll, expect } from 'vitest';
import { COMPLETION_SENTINEL, startFakeLLM, type FakeLLM } from './fake-llm.js';
import { FIXTURES } from './fixtures.js';
import { setupOtel, waitFor } from './otel.js';
import { importRewritten } from './rewrite.js';
import type { LLMConvention } from '../../src/engine/instrument.js';
import { expectNoContent, PROMPT_SENTINEL } from './sentinel.js';

/**
 * What every LLM execution test sets up: the OpenTelemetry SDK, a loopback provider API, the fixture program
 * as `otelify apply` rewrites it, and, once all tests of the file have run, the rule that no prompt or
 * completion text reached any exported span.
 */
export function llmTestbed<P>(
  fixture: string,
  options: {
    conventions?: LLMConvention[];
    /** Also load the fixture with a runtime that records `llm.prompt_hash`. */
    promptHash?: boolean;
    /** Runs once the server is up and before the program loads. */
    beforeImport?: (server: FakeLLM) => void;
    /** Loads the rewritten fixture (by default the engine's rewrite of it in test/.tmp, where `importRewritten` puts it). */
    load?: (fixturePath: string) => Promise<P>;
  } = {},
) {
  const otel = setupOtel();
  const ours = () => otel.spans().filter((s) => s.instrumentationScope.name === 'otelify');
  const bed = {
    otel,
    server: undefined as unknown as FakeLLM,
    program: undefined as unknown as P,
    /** The fixture rewritten with each of `options.conventions`. */
    withConvention: {} as Partial<Record<LLMConvention, P>>,
    /** The fixture with `promptHash: true` in the config. */
    hashingPrompts: undefined as P | undefined,
    /** How many LLM spans have ended so far. */
    count: () => ours().length,
    /** The LLM span that ends after `before` had: a call's span may end just after the call returns. */
    next: (before: number): Promise<ReadableSpan> => waitFor(() => ours().length > before && ours()[before], 5000, 'the LLM span'),
    /**
     * A stream's exits, each ending its span once: read to the end (not before: the span is still open while
     * the stream waits unread), left early with `break`, and failing midway (ERROR, the error reaches the
     * reader). `open(model)` starts a stream; the fake server streams slowly for `slow-*` models and drops
     * the connection for `mid-error-*`. Returns the span of the stream read to its end.
     */
    async streamExits<C>(open: (model: string) => Promise<AsyncIterable<C>>, model: string, textOf: (chunk: C) => string): Promise<ReadableSpan> {
      let before = bed.count();
      const stream = await open(model);
      await new Promise((r) => setTimeout(r, 100));
      expect(bed.count(), 'the span of an unread stream is still open').toBe(before);
      let text = '';
      for await (const chunk of stream) text += textOf(chunk);
      expect(text).toContain(COMPLETION_SENTINEL);
      const completed = await bed.next(before);

      before = bed.count();
      for await (const _ of await open(`slow-${model}`)) break;
      expect((await bed.next(before)).status.code).toBe(SpanStatusCode.UNSET);

      before = bed.count();
      await expect(async () => {
        for await (const _ of await open(`mid-error-${model}`));
      }).rejects.toThrow();
      expect((await bed.next(before)).status.code).toBe(SpanStatusCode.ERROR);
      return completed;
    },
  };
  beforeAll(async () => {
    otel.register();
    bed.server = await startFakeLLM();
    options.beforeImport?.(bed.server);
    bed.program = await (options.load ?? importRewritten<P>)(join(FIXTURES, fixture));
    for (const convention of options.conventions ?? []) bed.withConvention[convention] = await importRewritten<P>(join(FIXTURES, fixture), { convention });
    if (options.promptHash) bed.hashingPrompts = await importRewritten<P>(join(FIXTURES, fixture), { promptHash: true });
  });
  afterAll(async () => {
    expectNoContent(otel.spans(), [PROMPT_SENTINEL, COMPLETION_SENTINEL]);
    await bed.server.close();
    await otel.shutdown();
  });
  return bed;
}
