// `ai` 7 (installed as ai-v7, needs Node 22): the Vercel AI fixture as written (`import … from 'ai'`), put in a
// project whose `ai` is ai 7, rewritten by `otelify apply` and run against the loopback OpenAI API; and its
// telemetry: ai 7 traces a call only through a telemetry integration (registered for the process, or passed
// with the call), and `isEnabled: true` alone traces nothing, so otelify spans exactly the calls no
// integration traces.
import { readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { SpanStatusCode } from '@opentelemetry/api';
import type { ReadableSpan } from '@opentelemetry/sdk-trace-base';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { aliasedProject, applyIn, importFrom } from './support/aliased-project.js';
import { COMPLETION_SENTINEL, startFakeLLM, USAGE, type FakeLLM } from './support/fake-llm.js';
import { FIXTURES } from './support/fixtures.js';
import { gpt4oChatAttributes } from './support/llm-expectations.js';
import { nodeMajor } from './support/node-major.js';
import { setupOtel, waitFor } from './support/otel.js';
import { expectNoContent, PROMPT_SENTINEL } from './support/sentinel.js';
import type { ApplyReport } from '../src/cli/apply.js';
import { findGlobalTracers } from '../src/targets/global-tracers.js';

type Calls = typeof import('../fixtures/vercel-ai/exec-calls.input.js');
interface Registration {
  startTelemetry(): void;
}
interface Answers {
  plain(prompt: string): Promise<{ text: string }>;
  enabledOnly(prompt: string): Promise<{ text: string }>;
  turnedOff(prompt: string): Promise<{ text: string }>;
  withIntegration(prompt: string): Promise<{ text: string }>;
  turnedOffThroughSpread(prompt: string): Promise<{ text: string }>;
  noIntegrations(prompt: string): Promise<{ text: string }>;
}

const INTEGRATION_SCOPE = 'ai-sdk-integration';

/** The application's own ai 7 telemetry integration, standing in for `@ai-sdk/otel`'s: a span per operation. */
const INTEGRATION = `import { trace, type Span } from '@opentelemetry/api';
import type { Telemetry } from 'ai';

export function sdkSpans(): Telemetry {
  const open = new Map<string, Span>();
  return {
    onStart(event) {
      open.set(event.callId, trace.getTracer('${INTEGRATION_SCOPE}').startSpan(\`ai-sdk \${event.operationId}\`));
    },
    onEnd(event) {
      open.get(event.callId)?.end();
      open.delete(event.callId);
    },
  };
}
`;

/** Where the application registers it for every call of the process. */
const REGISTRATION = `import { registerTelemetry } from 'ai';
import { sdkSpans } from './telemetry.js';

export function startTelemetry() {
  registerTelemetry(sdkSpans());
}
`;

/** Calls that set ai 7's telemetry options in each way that matters (the model comes from OPENAI_BASE_URL). */
const ANSWERS = `import { openai } from '@ai-sdk/openai';
import { generateText } from 'ai';
import { sdkSpans } from './telemetry.js';

export function plain(prompt: string) {
  return generateText({ model: openai.chat('gpt-4o'), prompt, maxRetries: 0 });
}

export function enabledOnly(prompt: string) {
  return generateText({ model: openai.chat('gpt-4o'), prompt, maxRetries: 0, telemetry: { isEnabled: true, functionId: 'answer' } });
}

export function turnedOff(prompt: string) {
  return generateText({ model: openai.chat('gpt-4o'), prompt, maxRetries: 0, experimental_telemetry: { isEnabled: false } });
}

export function withIntegration(prompt: string) {
  return generateText({ model: openai.chat('gpt-4o'), prompt, maxRetries: 0, telemetry: { integrations: [sdkSpans()] } });
}

const quiet = { maxRetries: 0, telemetry: { isEnabled: false } } as const;

export function turnedOffThroughSpread(prompt: string) {
  return generateText({ ...quiet, model: openai.chat('gpt-4o'), prompt });
}

export function noIntegrations(prompt: string) {
  return generateText({ model: openai.chat('gpt-4o'), prompt, maxRetries: 0, telemetry: { integrations: [] } });
}
`;

const siteOf = (report: ApplyReport, file: string, line: number) => report.sites.find((s) => s.file.endsWith(file) && s.line === line);

describe.runIf(nodeMajor >= 22)('ai 7 (Vercel AI SDK), rewritten, with its OpenAI provider against a loopback OpenAI API', () => {
  const otel = setupOtel();
  const ours = () => otel.spans().filter((s) => s.instrumentationScope.name === 'otelify');
  const theirs = () => otel.spans().filter((s) => s.instrumentationScope.name === INTEGRATION_SCOPE);
  const nextSpan = (before: number): Promise<ReadableSpan> => waitFor(() => ours().length > before && ours()[before], 5000, 'the LLM span');
  let server: FakeLLM;
  const dirs: string[] = [];
  /** Rewrites `files` in a project whose `ai` is ai 7 and returns the report. */
  const project = (prefix: string, files: Record<string, string>) => {
    const dir = aliasedProject(prefix, files, { ai: 'ai-v7' });
    dirs.push(dir);
    return { dir, report: applyIn(dir, 'src') };
  };

  beforeAll(async () => {
    server = await startFakeLLM();
    // The default provider reads its base URL from the environment as a call is made.
    process.env.OPENAI_BASE_URL = `${server.url}/v1`;
    process.env.OPENAI_API_KEY = 'test-key';
  });
  afterAll(async () => {
    expectNoContent(otel.spans(), [PROMPT_SENTINEL, COMPLETION_SENTINEL]);
    delete process.env.OPENAI_BASE_URL;
    await server.close();
    await otel.shutdown();
    for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
  });

  describe('the calls of the ai 6 fixture, as written', () => {
    let program: Calls;
    let report: ApplyReport;
    beforeAll(async () => {
      const made = project('otelify-ai7-calls-', { 'src/calls.ts': readFileSync(join(FIXTURES, 'vercel-ai/exec-calls.input.ts'), 'utf8') });
      report = made.report;
      program = await importFrom<Calls>(made.dir, 'src/calls.ts');
    });

    it('rewrites every call, noting that ai 7 would trace a call itself only through an integration', () => {
      expect(report.sites.map((s) => s.action)).toEqual(['instrumented', 'instrumented', 'instrumented']);
      for (const site of report.sites) expect(site.note).toMatch(/^ai 7\.\d+\.\d+ traces a call itself when a telemetry integration is registered/);
    });

    it('records generateText with the provider named by the model factory and the literal settings', async () => {
      const before = ours().length;
      const result = await program.ask(PROMPT_SENTINEL);
      expect(result.text).toContain(COMPLETION_SENTINEL);
      const span = await nextSpan(before);
      expect(span.name).toBe('chat gpt-4o');
      expect(span.attributes).toEqual(gpt4oChatAttributes());
    });

    it('ends a streamText span when its stream has been read, and not before', async () => {
      const before = ours().length;
      const result = program.askStreaming('gpt-4o', PROMPT_SENTINEL);
      await new Promise((r) => setTimeout(r, 100));
      expect(ours().length).toBe(before);
      let text = '';
      for await (const part of result.textStream) text += part;
      expect(text).toContain(COMPLETION_SENTINEL);
      const span = await nextSpan(before);
      expect(span.attributes).toMatchObject({
        'llm.provider': 'openai',
        'llm.prompt_tokens': USAGE.input,
        'llm.response_tokens': USAGE.output,
        'llm.finish_reason': 'stop',
      });
    });

    it('ends a streamText span with ERROR when the provider fails', async () => {
      const before = ours().length;
      const result = program.askStreaming('error-500', PROMPT_SENTINEL);
      for await (const _ of result.textStream);
      const span = await nextSpan(before);
      expect(span.status.code).toBe(SpanStatusCode.ERROR);
    });

    it('records embed with its input tokens', async () => {
      const before = ours().length;
      const { embedding } = await program.vector(PROMPT_SENTINEL);
      expect(embedding.length).toBe(3);
      const span = await nextSpan(before);
      expect(span.name).toBe('embeddings text-embedding-3-small');
      expect(span.attributes['llm.prompt_tokens']).toBe(USAGE.input);
    });
  });

  /** Runs one call and returns the spans it made: otelify's and the integration's. */
  async function spansOf(call: () => Promise<{ text: string }>) {
    const [oursBefore, theirsBefore] = [ours().length, theirs().length];
    expect((await call()).text).toContain(COMPLETION_SENTINEL);
    // An integration's or otelify's span may end just after the call returns.
    await new Promise((r) => setTimeout(r, 200));
    return { ours: ours().slice(oursBefore), theirs: theirs().slice(theirsBefore) };
  }

  describe('with no integration registered', () => {
    let answers: Answers;
    let report: ApplyReport;
    beforeAll(async () => {
      const made = project('otelify-ai7-unregistered-', { 'src/answers.ts': ANSWERS, 'src/telemetry.ts': INTEGRATION });
      report = made.report;
      answers = await importFrom<Answers>(made.dir, 'src/answers.ts');
    });

    it('spans a call with `telemetry: { isEnabled: true }`, which ai 7 alone does not trace', async () => {
      const spans = await spansOf(() => answers.enabledOnly(PROMPT_SENTINEL));
      expect(spans.ours.map((s) => s.name)).toEqual(['chat gpt-4o']);
      expect(spans.theirs).toEqual([]);
      expect(siteOf(report, 'answers.ts', 10)?.action).toBe('instrumented');
    });

    it('leaves alone a call that passes its own integrations: one span, the integration\'s', async () => {
      const spans = await spansOf(() => answers.withIntegration(PROMPT_SENTINEL));
      expect(spans.ours).toEqual([]);
      expect(spans.theirs.map((s) => s.name)).toEqual(['ai-sdk ai.generateText']);
      expect(siteOf(report, 'answers.ts', 18)).toMatchObject({ action: 'skipped', reason: expect.stringContaining("'telemetry.integrations'") });
    });

    it('spans a plain call', async () => {
      const spans = await spansOf(() => answers.plain(PROMPT_SENTINEL));
      expect(spans.ours.map((s) => s.name)).toEqual(['chat gpt-4o']);
      expect(spans.theirs).toEqual([]);
    });
  });

  describe('with an integration registered for the process (registerTelemetry)', () => {
    let answers: Answers;
    let report: ApplyReport;
    beforeAll(async () => {
      const made = project('otelify-ai7-registered-', { 'src/answers.ts': ANSWERS, 'src/telemetry.ts': INTEGRATION, 'src/register.ts': REGISTRATION });
      report = made.report;
      (await importFrom<Registration>(made.dir, 'src/register.ts')).startTelemetry();
      answers = await importFrom<Answers>(made.dir, 'src/answers.ts');
    });
    afterAll(() => {
      delete (globalThis as { AI_SDK_TELEMETRY_INTEGRATIONS?: unknown }).AI_SDK_TELEMETRY_INTEGRATIONS;
    });

    it('leaves alone every call the integration traces: one span per call, the integration\'s', async () => {
      for (const call of [answers.plain, answers.enabledOnly, answers.withIntegration]) {
        const spans = await spansOf(() => call(PROMPT_SENTINEL));
        expect(spans.ours).toEqual([]);
        expect(spans.theirs.map((s) => s.name)).toEqual(['ai-sdk ai.generateText']);
      }
      for (const line of [6, 10]) {
        expect(siteOf(report, 'answers.ts', line)).toMatchObject({ action: 'skipped', reason: expect.stringMatching(/^the AI SDK's registerTelemetry \(set up at src\/register\.ts:5\) traces every ai call that does not set 'telemetry: \{ isEnabled: false \}'/) });
      }
    });

    it('spans the calls that turn the SDK\'s telemetry off: isEnabled false (inline or spread in), an empty integration list', async () => {
      for (const call of [answers.turnedOff, answers.turnedOffThroughSpread, answers.noIntegrations]) {
        const spans = await spansOf(() => call(PROMPT_SENTINEL));
        expect(spans.ours.map((s) => s.name)).toEqual(['chat gpt-4o']);
        expect(spans.theirs).toEqual([]);
      }
      for (const line of [14, 24, 28]) expect(siteOf(report, 'answers.ts', line)?.action).toBe('instrumented');
    });
  });
});

describe('an ai 7 telemetry integration registered for the process, found in any file (any Node)', () => {
  const found = (text: string) => findGlobalTracers([{ path: 'setup.ts', text }], (path) => path).get('ai');

  it('is registerTelemetry imported from ai, by name or through the namespace, or the global list assigned', () => {
    expect(found("import { generateText, registerTelemetry } from 'ai';\nimport { OpenTelemetry } from '@ai-sdk/otel';\n\nregisterTelemetry(new OpenTelemetry());\n")).toEqual({ by: "the AI SDK's registerTelemetry", where: 'setup.ts:4', effect: 'unless-off' });
    expect(found("import * as ai from 'ai';\nai.registerTelemetry(integration);\n")?.where).toBe('setup.ts:2');
    expect(found('globalThis.AI_SDK_TELEMETRY_INTEGRATIONS = [integration];\n')?.where).toBe('setup.ts:1');
  });

  it('is not a function of the same name from elsewhere, nor a call commented out', () => {
    expect(found("import { registerTelemetry } from './telemetry';\nregisterTelemetry(integration);\n")).toBeUndefined();
    expect(found("import { registerTelemetry } from 'ai';\n// registerTelemetry(integration);\n")).toBeUndefined();
  });
});
