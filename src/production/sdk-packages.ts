// The OpenTelemetry packages the bootstrap of `otelify init` imports, and the ranges it declares for them: the
// versions its output is type-checked and run against in this repository's tests (test/init.test.ts fails when
// the installed ones move away from these).
import type { Need } from '../files/package-json.js';

export const SDK_PACKAGES = {
  api: '@opentelemetry/api',
  contextAsyncHooks: '@opentelemetry/context-async-hooks',
  core: '@opentelemetry/core',
  exporter: '@opentelemetry/exporter-trace-otlp-http',
  resources: '@opentelemetry/resources',
  sdkNode: '@opentelemetry/sdk-node',
  sdkTraceNode: '@opentelemetry/sdk-trace-node',
  semanticConventions: '@opentelemetry/semantic-conventions',
} as const;

/**
 * `@opentelemetry/sdk-node` 0.220 accepts `@opentelemetry/api` below 1.10 only (its peer range), so the API is
 * held to 1.9.x, which the otelify runtime needs at least.
 */
export const SDK_RANGES: Readonly<Record<(typeof SDK_PACKAGES)[keyof typeof SDK_PACKAGES], string>> = {
  '@opentelemetry/api': '~1.9.0',
  '@opentelemetry/context-async-hooks': '^2.12.1',
  '@opentelemetry/core': '^2.12.1',
  '@opentelemetry/exporter-trace-otlp-http': '^0.220.0',
  '@opentelemetry/resources': '^2.12.1',
  '@opentelemetry/sdk-node': '^0.220.0',
  '@opentelemetry/sdk-trace-node': '^2.12.1',
  '@opentelemetry/semantic-conventions': '^1.45.0',
};

/** What a project that runs the bootstrap must declare in its dependencies. */
export function sdkDependencies(): Need[] {
  return Object.entries(SDK_RANGES).map(([name, range]) => ({ name, range }));
}
