#!/usr/bin/env node
import { readFileSync } from 'node:fs';
import { Command, CommanderError, Option } from 'commander';
import { CONVENTIONS, RUNTIME_MODES, type RuntimeMode } from '../config.js';
import type { LLMConvention } from '../engine/instrument.js';
import { apply, EXIT } from './apply.js';
import { check, type CheckFormat } from './check.js';
import { collector, DEFAULT_OUT, type CollectorCommandOptions } from './collector.js';
import { Output } from './output.js';
import { init } from '../production/init.js';
import { targetModules } from '../targets/index.js';

// `otelify apply --dry | head` closes stdout early: stop quietly, as other command-line tools do.
process.stdout.on('error', (error: NodeJS.ErrnoException) => {
  if (error.code === 'EPIPE') process.exit(process.exitCode ?? 0);
  throw error;
});

const { version } = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string };

const program = new Command('otelify')
  .description('Adds OpenTelemetry to a Node/TypeScript codebase by rewriting its source: context propagation through message queues, LLM call spans without content, and a check that keeps personal data out of spans.')
  .version(version)
  .exitOverride()
  .configureOutput({ outputError: (text, write) => write(text) });

program
  .command('apply')
  .description('rewrite every supported call site under the given files or folders (default: .)')
  .argument('[paths...]', 'files or folders')
  .option('-d, --dry', 'write nothing; print the diff')
  .option('--check', 'write nothing; exit 1 when files would change (for CI that keeps a tree instrumented)')
  .option('--json', 'print a machine-readable report instead of the summary')
  .option('-f, --force', 'write even when the git work tree has uncommitted changes')
  .option('--force-readonly', 'write read-only files too (their mode is kept)')
  .option('-c, --config <file>', 'config file (default: otelify.config.{json,ts,mjs,js} or package.json "otelify", found upwards)')
  .option('--only <libraries>', 'comma-separated libraries, target ids or groups (llm, queues) to apply (e.g. kafkajs,amqplib)')
  .option('-v, --verbose', 'list every call site, not only the skipped ones')
  .addOption(new Option('--convention <names>', 'attribute names of LLM spans (default: llm, or the config\'s "convention")').choices([...CONVENTIONS]))
  .addOption(
    new Option('--runtime <mode>', 'package: import @otelify/runtime and add it to package.json (default); vendor: write the runtime into each package instead').choices([...RUNTIME_MODES]),
  )
  .action(async (paths: string[], flags: { dry?: boolean; check?: boolean; json?: boolean; force?: boolean; forceReadonly?: boolean; config?: string; only?: string; verbose?: boolean; convention?: LLMConvention; runtime?: RuntimeMode }) => {
    process.exitCode = await apply({ ...flags, paths, only: flags.only?.split(',').map((s) => s.trim()).filter(Boolean) }, new Output());
  });

program
  .command('check')
  .description('report telemetry writes that carry personal data, and baggage that is large or unbounded (warnings); exit 1 when any error is found')
  .argument('[paths...]', 'files or folders')
  .option('--format <format>', 'stylish, json, sarif (2.1.0) or github (workflow annotations)', 'stylish')
  .option('-c, --config <file>', 'config file (its "check" key sets allow, deny and patterns)')
  .option('--baseline <file>', 'ignore the findings recorded in this file')
  .option('--update-baseline', 'record the current findings in the --baseline file and exit 0')
  .action(async (paths: string[], flags: { format?: CheckFormat; config?: string; baseline?: string; updateBaseline?: boolean }) => {
    process.exitCode = await check({ ...flags, paths });
  });

program
  .command('init')
  .description('write the OpenTelemetry SDK bootstrap of the service in path (default: .), load it from the start script (or Next.js\'s instrumentation file) and add the SDK packages to package.json')
  .argument('[path]', 'the folder of the package (its package.json)')
  .option('-d, --dry', 'write nothing; print what would be written')
  .option('-f, --force', 'write even when the git work tree has uncommitted changes')
  .addOption(new Option('--sampling <kind>', 'tail: keep every span, the Collector decides; head: keep a share of new traces (--ratio)').choices(['tail', 'head']).default('tail'))
  .option('--ratio <ratio>', 'with --sampling head: the share of new traces kept, from 0 to 1 (e.g. 0.1)')
  .option('--baggage-keys <keys>', 'comma-separated baggage keys copied onto every span (default: tenant.id,request.priority)')
  .action(async (path: string | undefined, flags: { dry?: boolean; force?: boolean; sampling?: string; ratio?: string; baggageKeys?: string }) => {
    process.exitCode = await init({ ...flags, path }, new Output());
  });

program
  .command('collector')
  .description('write an OpenTelemetry Collector (contrib) configuration for what the code under the given files or folders emits (default: .)')
  .argument('[paths...]', 'files or folders')
  .option('-c, --config <file>', 'config file (its "convention" and "check" keys are used)')
  .addOption(new Option('--convention <names>', 'attribute names of LLM spans (default: llm, or the config\'s "convention")').choices([...CONVENTIONS]))
  .addOption(new Option('--redaction <mode>', 'blocklist: keep every key, mask personal ones (default); allowlist: keep only the keys the code writes').choices(['blocklist', 'allowlist']))
  .option('--latency-ms <ms>', 'keep traces longer than this (default 2000)')
  .option('--cost-usd <usd>', 'keep traces with an LLM call that cost more than this (default 0.1)')
  .addOption(new Option('--cost-policy <policy>', 'ottl: ottl_condition on the cost (default); numeric: numeric_attribute on the cost in micro-dollars').choices(['ottl', 'numeric']))
  .option('--baseline-percent <percent>', 'share of all other traces kept (default 10)')
  .option('--decision-wait <duration>', 'how long a trace waits for its spans before it is decided (default 10s)')
  .option('--endpoint <host:port>', 'the backend\'s OTLP/gRPC endpoint (default ${env:BACKEND_OTLP_ENDPOINT})')
  .option('--insecure', 'plain gRPC to the backend (and between the tiers)')
  .option('--header <name=ENV_VAR...>', 'a header sent to the backend, its value read from the environment variable')
  .option('--tier', 'write the two-tier layout: a load-balancing tier routing by trace id in front of the sampling tier')
  .addOption(new Option('--resolver <kind>', 'how the load-balancing tier finds the samplers (default dns, or static with --samplers)').choices(['static', 'dns']))
  .option('--samplers <hosts>', 'the samplers for --resolver static, comma-separated host:port')
  .option('--sampler-dns <hostname>', 'the name resolving to every sampler for --resolver dns (default otel-sampler)')
  .option('-o, --out <file>', `where to write (default ${DEFAULT_OUT}; with --tier, two files named after it)`)
  .option('-d, --dry', 'write nothing; print the configuration')
  .action(async (paths: string[], flags: Omit<CollectorCommandOptions, 'paths'>) => {
    process.exitCode = await collector({ ...flags, paths });
  });

program
  .command('targets')
  .description('list the libraries and call sites otelify knows')
  .action(() => {
    for (const module of targetModules) {
      for (const target of module.targets) {
        const match = target.role === 'consume-loop' ? `for-of over ${target.elementTypes.join('/')}` : target.role === 'consume-method' ? `@${target.match.decorator}${target.match.method ? ` class: ${target.match.method}()` : ' method'}` : target.match.kind === 'method' ? `${target.match.via ?? target.match.types.join('|')}.${target.match.method}()` : target.match.kind === 'new' ? `new ${target.match.class}()` : `${target.match.name}()`;
        process.stdout.write(`${target.id.padEnd(42)} ${target.role.padEnd(15)} ${match}\n`);
      }
    }
  });

try {
  await program.parseAsync(process.argv);
} catch (error) {
  if (error instanceof CommanderError) {
    process.exitCode = error.exitCode === 0 ? EXIT.ok : EXIT.usage;
  } else {
    new Output().error(error instanceof Error ? (error.stack ?? error.message) : String(error));
    process.exitCode = EXIT.usage;
  }
}
