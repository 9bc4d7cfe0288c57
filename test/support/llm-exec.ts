import type { ReadableSpan } from '@opentelemetry/sdk-trace-base';
import { join } from 'node:path';
import { afterAll, beforeAll } from 'vitest';
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
  };
  beforeAll(async () => {
    bed.server = await startFakeLLM();
    options.beforeImport?.(bed.server);
    bed.program = await importRewritten<P>(join(FIXTURES, fixture));
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
