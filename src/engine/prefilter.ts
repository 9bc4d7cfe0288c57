import type { Target } from '../targets/types.js';

/** The text as a regular expression matching just it (also inside esbuild's Go filters). */
export const escapeRegExp = (s: string) => s.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');

/**
 * A cheap text test run before any parsing: a file can only hold a call site if it names one of the
 * targets' packages (in an import or require) or one of their types (a `Channel` parameter, say).
 */
export function createPrefilter(targets: Target[]): (text: string) => boolean {
  const modules = new Set<string>();
  const words = new Set<string>();
  for (const target of targets) {
    for (const module of target.modules) modules.add(module);
    if (target.role === 'consume-loop') target.elementTypes.forEach((t) => words.add(t));
    else if (target.match.kind === 'method') target.match.types.forEach((t) => words.add(t));
    else if (target.match.kind === 'new') words.add(target.match.class);
    else if (target.match.kind === 'decorator') words.add(target.match.decorator);
  }
  if (modules.size === 0) return () => false;
  const modulePattern = new RegExp(`['"\`](?:${[...modules].map(escapeRegExp).join('|')})(?:['"\`/])`);
  const wordPattern = words.size > 0 ? new RegExp(`\\b(?:${[...words].map(escapeRegExp).join('|')})\\b`) : undefined;
  return (text) => modulePattern.test(text) || (wordPattern !== undefined && wordPattern.test(text) && /\bimport\b|\brequire\s*\(/.test(text));
}
