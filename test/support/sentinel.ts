import type { ReadableSpan } from '@opentelemetry/sdk-trace-base';
import { expect } from 'vitest';

/** Put in every prompt the execution tests send; it must never reach a span. */
export const PROMPT_SENTINEL = 'SENTINEL-PROMPT-91c4 jane.doe@example.com';

/** Everything a span exports that could carry text: name, attributes, events, links and status. */
function exportedText(span: ReadableSpan): string {
  return JSON.stringify({
    name: span.name,
    attributes: span.attributes,
    events: span.events.map((e) => ({ name: e.name, attributes: e.attributes })),
    links: span.links.map((l) => l.attributes),
    status: span.status,
  });
}

/** Fails when any sentinel appears anywhere in what the spans export (and when there are no spans to look at). */
export function expectNoContent(spans: ReadableSpan[], sentinels: string[]): void {
  expect(spans.length, 'no spans were exported, so the content check proves nothing').toBeGreaterThan(0);
  for (const span of spans) {
    const text = exportedText(span);
    for (const sentinel of sentinels) {
      // Parts of the sentinel count too: a truncated prompt is still the prompt.
      for (const part of sentinel.split(/\s+/)) expect(text, `span '${span.name}' carries content`).not.toContain(part);
    }
  }
}
