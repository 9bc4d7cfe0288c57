/**
 * Rewritten text with each spec object otelify broke across lines (`otelify.traceSend({\n  system: ...,\n}, `)
 * put back on one line: for tests about what is inserted, not how it is laid out (formatting.test.ts tests
 * the layout).
 */
export function specsOnOneLine(text: string): string {
  return text.replace(/(otelify\.\w+\()\{\r?\n([\s\S]*?)\r?\n[ \t]*\}(?=, )/g, (_, call: string, body: string) => {
    const joined = body.split(/\r?\n/).map((line) => line.trim()).join(' ').replace(/,$/, '').replace(/\{ /g, '{ ').replace(/,\s*\}/g, ' }');
    return `${call}{ ${joined} }`;
  });
}
