// The OpenTelemetry Collector (contrib) configuration `otelify collector` writes: OTLP in, memory limit,
// redaction of personal keys, tail sampling that keeps errors, slow traces and costly LLM calls, OTLP out.
// With `tier`, the layout that scales out: a load-balancing tier that routes every span of a trace to the
// same sampler, in front of the sampling tier.
import type { LLMConvention } from '../engine/instrument.js';
import type { CheckPolicy } from '../check/find.js';
import { personalKeyPatterns, unportablePatterns } from './redaction-patterns.js';
import { comment, toYaml, Verbatim, type YamlValue } from './yaml.js';

export type RedactionMode = 'allowlist' | 'blocklist';
export type CostPolicy = 'ottl' | 'numeric';
export type Resolver = 'static' | 'dns';

export interface CollectorOptions {
  convention: LLMConvention;
  redaction: RedactionMode;
  costPolicy: CostPolicy;
  latencyMs: number;
  costUsd: number;
  baselinePercent: number;
  /** A Go duration: `10s`, `1m`. */
  decisionWait: string;
  /** The backend's OTLP/gRPC endpoint (`host:port`, or `${env:VAR}`). */
  endpoint: string;
  insecure: boolean;
  /** Header name → the environment variable that holds its value (secrets stay out of the file). */
  headers: Record<string, string>;
  tier?: { resolver: Resolver; hostnames: string[]; dnsName: string } | undefined;
}

/** What the code emits, as `otelify collector` found it. */
export interface CodeFacts {
  /** What was read, for the header (`src (42 files)`). */
  source: string;
  /** Span and event attribute keys the instrumented code writes: the runtime's and the project's own. */
  allowedKeys: string[];
  /** Where the project writes keys known only at run time. */
  unknownKeys: { file: string; line: number; key?: string }[];
  /** LLM call sites: the cost policy applies. */
  llm: boolean;
  queues: boolean;
  check: CheckPolicy;
}

export interface CollectorFile {
  /** `single`, or the two tiers. */
  role: 'single' | 'loadbalancer' | 'sampler';
  text: string;
}

/** The cost attributes of each convention: in dollars (a double), and in whole millionths of a dollar. */
const COST_ATTRIBUTE: Record<'llm' | 'genai', string> = { llm: 'llm.cost_usd', genai: 'gen_ai.usage.cost.amount' };
const COST_MICROS_ATTRIBUTE: Record<'llm' | 'genai', string> = { llm: 'llm.cost_usd_micros', genai: 'gen_ai.usage.cost.amount_micros' };

function conventionsOf(convention: LLMConvention): ('llm' | 'genai')[] {
  return convention === 'both' ? ['llm', 'genai'] : [convention];
}
const INT64_MAX = '9223372036854775807';

/**
 * Resource attributes the SDK sets (the redaction processor applies its keys to the resource too): kept in
 * the fail-closed mode, or every backend would show `unknown_service`. Not personal data; others that may be
 * (`process.command_args`, `process.owner`, `host.name`) are left to the allowlist.
 */
const RESOURCE_KEYS = [
  'deployment.environment.name',
  'service.instance.id',
  'service.name',
  'service.namespace',
  'service.version',
  'telemetry.sdk.language',
  'telemetry.sdk.name',
  'telemetry.sdk.version',
];

/** The OTTL conditions of the cost policy: one per cost attribute the convention writes. */
export function costConditions(convention: LLMConvention, costUsd: number): string[] {
  return conventionsOf(convention).map((name) => `attributes["${COST_ATTRIBUTE[name]}"] > ${formatNumber(costUsd)}`);
}

export function collectorFiles(facts: CodeFacts, options: CollectorOptions): CollectorFile[] {
  const header = headerOf(facts, options);
  if (!options.tier) {
    return [
      {
        role: 'single',
        text: toYaml(
          {
            receivers: receivers(),
            processors: { memory_limiter: memoryLimiter(), redaction: redaction(facts, options), tail_sampling: tailSampling(facts, options), batch: batch() },
            exporters: { otlp_grpc: backendExporter(options) },
            service: { pipelines: { traces: { receivers: ['otlp'], processors: ['memory_limiter', 'redaction', 'tail_sampling', 'batch'], exporters: ['otlp_grpc'] } } },
          },
          header,
        ),
      },
    ];
  }
  const tier = options.tier;
  return [
    {
      role: 'loadbalancer',
      text: toYaml(
        {
          receivers: receivers(),
          processors: {
            memory_limiter: memoryLimiter(),
            redaction: comment('At the edge, so personal data never travels further than the first Collector.', redaction(facts, options)),
          },
          exporters: { loadbalancing: loadBalancing(tier, options) },
          service: { pipelines: { traces: { receivers: ['otlp'], processors: ['memory_limiter', 'redaction'], exporters: ['loadbalancing'] } } },
        },
        [
          ...header,
          '',
          'The load-balancing tier: applications send here; every span of a trace goes on to the same sampler',
          '(tail sampling decides on whole traces, so one sampler must see all of a trace). Scale it freely.',
        ],
      ),
    },
    {
      role: 'sampler',
      text: toYaml(
        {
          receivers: receivers(),
          processors: { memory_limiter: memoryLimiter(), tail_sampling: tailSampling(facts, options), batch: batch() },
          exporters: { otlp_grpc: backendExporter(options) },
          service: { pipelines: { traces: { receivers: ['otlp'], processors: ['memory_limiter', 'tail_sampling', 'batch'], exporters: ['otlp_grpc'] } } },
        },
        [
          ...header,
          '',
          'The sampling tier, behind the load-balancing tier (which has redacted personal keys already): it',
          "receives whole traces by trace id. Adding or removing a sampler moves about 1/n of the trace ids, so a",
          'trace in flight then may be decided in two halves.',
        ],
      ),
    },
  ];
}

function headerOf(facts: CodeFacts, options: CollectorOptions): string[] {
  const what = [facts.queues ? 'message queue spans' : undefined, facts.llm ? `LLM call spans (convention ${options.convention})` : undefined].filter(Boolean);
  const lines = [
    `Generated by \`otelify collector\` from ${facts.source}, for the OpenTelemetry Collector contrib`,
    '(otelcol-contrib 0.144 or later: the OTLP/gRPC exporter is `otlp_grpc` there, `otlp` before).',
    `It matches what that code emits: ${what.length > 0 ? what.join(' and ') : 'no otelify call site was found'}, and the keys its own`,
    'telemetry writes. Run `otelify collector` again when the code changes; check it with',
    '`otelcol-contrib validate --config <this file>`.',
  ];
  if (facts.unknownKeys.length > 0) {
    lines.push('', 'Attribute keys known only at run time (not in allowed_keys; add them by hand for the allowlist mode):');
    for (const { file, line, key } of facts.unknownKeys) lines.push(`  ${file}:${line}${key ? ` ${key}` : ''}`);
  }
  return lines;
}

function receivers(): { [key: string]: YamlValue } {
  return {
    otlp: comment(
      ['OTLP from the applications, over gRPC (4317) and HTTP (4318), on every interface: the Collector listens on', 'localhost only by default, which a container does not reach.'],
      { protocols: { grpc: { endpoint: '0.0.0.0:4317' }, http: { endpoint: '0.0.0.0:4318' } } },
    ),
  };
}

function memoryLimiter(): YamlValue {
  return comment(['First in every pipeline: refuses data before the Collector runs out of memory (senders retry),', 'rather than being killed with every trace it holds.'], {
    check_interval: '1s',
    limit_percentage: 80,
    spike_limit_percentage: 20,
  });
}

function batch(): YamlValue {
  return comment('Last: fewer, larger export requests to the backend.', {});
}

function redaction(facts: CodeFacts, options: CollectorOptions): YamlValue {
  const allowlist = options.redaction === 'allowlist';
  const patterns = personalKeyPatterns(facts.check);
  const dropped = unportablePatterns(facts.check);
  const allowedByCheck = (facts.check.allow ?? []).filter((key) => !key.includes('*'));
  const body: { [key: string]: YamlValue } = {
    allow_all_keys: comment(
      allowlist
        ? ['false: fail closed. Only the keys below reach the backend; any other key is removed, including keys of', "instrumentations otelify did not write (HTTP, database): add theirs to allowed_keys."]
        : ['true: every key passes, and the values of personal keys are masked (blocked_key_patterns).', 'Set it to false to fail closed: then only allowed_keys pass.'],
      !allowlist,
    ),
    allowed_keys: comment(
      ['Every attribute key the instrumented code writes: the otelify runtime\'s for its call sites, and the', "literal keys of the project's own setAttribute(s), startSpan attributes, addEvent and recordException."],
      facts.allowedKeys,
    ),
    ignored_keys: comment(
      [
        'Passed unchanged in both modes: the SDK\'s resource attributes (the processor applies its keys to the',
        "resource too), and the keys the config's check.allow accepts.",
      ],
      [...new Set([...RESOURCE_KEYS, ...allowedByCheck])].sort(),
    ),
    blocked_key_patterns: comment(
      [
        "Values of personal keys are masked. Derived from the rules of `otelify check` (src/check/pii.ts), so the",
        'check and the Collector agree on which keys are personal; regenerate rather than edit them.',
        ...(dropped.length > 0 ? [`Not carried over (RE2 has no lookaround or back-references): ${dropped.join(', ')}`] : []),
      ],
      patterns.map(({ pattern, why }) => comment(why, pattern)),
    ),
    summary: comment('Counts of what was removed or masked on each span; `debug` would list the keys too.', 'info'),
  };
  return comment(
    [
      'Personal data out of span, event and resource attributes, before anything is stored or sampled.',
      `Mode: ${options.redaction} (otelify collector --redaction allowlist|blocklist).`,
    ],
    body,
  );
}

function tailSampling(facts: CodeFacts, options: CollectorOptions): YamlValue {
  const policies: YamlValue[] = [
    comment('Every trace with a failed span: the runtime sets ERROR on failed sends, message handlers and LLM calls.', {
      name: 'errors',
      type: 'status_code',
      status_code: { status_codes: ['ERROR'] },
    }),
    comment(`Every trace longer than ${options.latencyMs} ms from its first span's start to its last span's end.`, {
      name: 'slow',
      type: 'latency',
      latency: { threshold_ms: options.latencyMs },
    }),
  ];
  if (facts.llm) policies.push(...costPolicies(options));
  policies.push(
    comment(`A baseline of ${formatNumber(options.baselinePercent)}% of all other traces, so ordinary traffic stays visible.`, {
      name: 'baseline',
      type: 'probabilistic',
      probabilistic: { sampling_percentage: options.baselinePercent },
    }),
  );
  return comment(
    [
      'Decides on whole traces: a trace is kept when any policy keeps it. All spans of a trace must reach this',
      'Collector (one instance, or the two-tier layout of `otelify collector --tier`).',
      ...(facts.llm ? [] : ['No LLM call site was found, so there is no cost policy.']),
    ],
    {
      decision_wait: comment('How long after its first span a trace is decided; spans that come later are decided alone.', options.decisionWait),
      num_traces: comment('Traces held in memory while they wait.', 50000),
      policies,
    },
  );
}

function costPolicies(options: CollectorOptions): YamlValue[] {
  const threshold = formatNumber(options.costUsd);
  if (options.costPolicy === 'numeric') {
    const micros = Math.round(options.costUsd * 1_000_000);
    // numeric_attribute reads one key: a policy per name the convention writes.
    return conventionsOf(options.convention).map((convention, index) =>
      comment(
        index > 0
          ? `The same on ${COST_MICROS_ATTRIBUTE[convention]}.`
          : [
              `Every trace with an LLM call that cost more than $${threshold}: ${COST_MICROS_ATTRIBUTE[convention]} is the cost in whole`,
              'millionths of a dollar (an integer, which numeric_attribute reads: it reads a double such as',
              `${COST_ATTRIBUTE[convention]} as 0). min_value is one above the threshold ("more than"), and max_value is set`,
              'too: a policy with min_value alone was mishandled (contrib #41562). It looks at single spans: it',
              "cannot add up a trace's calls.",
            ],
        {
          name: `expensive-llm-calls${index > 0 ? `-${convention}` : ''}`,
          type: 'numeric_attribute',
          numeric_attribute: { key: COST_MICROS_ATTRIBUTE[convention], min_value: micros + 1, max_value: new Verbatim(INT64_MAX) },
        },
      ),
    );
  }
  const [first] = conventionsOf(options.convention);
  return [
    comment(
      [
        `Every trace with an LLM call that cost more than $${threshold}. ottl_condition, not numeric_attribute: the`,
        'cost is a double (OTLP sends fractions as doubles) and numeric_attribute reads integers only (a double',
        'reads as 0), while OTTL compares doubles and integers alike. A span without the attribute does not',
        "match, and any condition that matches keeps the trace. It looks at single spans: it cannot add up a",
        `trace's calls. (--cost-policy numeric uses ${COST_MICROS_ATTRIBUTE[first!]}, an integer, with numeric_attribute.)`,
      ],
      { name: 'expensive-llm-calls', type: 'ottl_condition', ottl_condition: { error_mode: 'ignore', span: costConditions(options.convention, options.costUsd) } },
    ),
  ];
}

function backendExporter(options: CollectorOptions): YamlValue {
  const exporter: { [key: string]: YamlValue } = { endpoint: options.endpoint };
  if (options.insecure) exporter.tls = comment('--insecure: plain gRPC, for a backend inside the same network only.', { insecure: true });
  const headers = Object.keys(options.headers).sort();
  if (headers.length > 0) {
    exporter.headers = comment('From the environment, so no secret is written here.', Object.fromEntries(headers.map((name) => [name, `\${env:${options.headers[name]}}`])));
  }
  return comment('The backend, over OTLP/gRPC.', exporter);
}

function loadBalancing(tier: NonNullable<CollectorOptions['tier']>, options: CollectorOptions): YamlValue {
  const resolver =
    tier.resolver === 'static'
      ? comment('A fixed list of samplers.', { static: { hostnames: tier.hostnames } })
      : comment('Every address the name resolves to is a sampler (a headless Service in Kubernetes), looked up again every 5s.', { dns: { hostname: tier.dnsName, port: 4317 } });
  return comment(
    ['Routes by trace id: every span of a trace goes to the same sampler, whichever application sent it.'],
    {
      routing_key: 'traceID',
      protocol: { otlp: { timeout: '1s', ...(options.insecure ? { tls: comment('--insecure: plain gRPC between the tiers.', { insecure: true }) } : {}) } },
      resolver,
    },
  );
}

/** `0.1`, `10`, `2.5`: as short as the value allows, never in exponent notation. */
function formatNumber(value: number): string {
  const text = String(value);
  return /e/i.test(text) ? value.toFixed(12).replace(/0+$/, '').replace(/\.$/, '') : text;
}
