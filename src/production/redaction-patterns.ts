// The Collector's `redaction` processor masks the values of keys that match `blocked_key_patterns`: regular
// expressions in Go's RE2 syntax (no lookaround). They are derived here from the data `otelify check` judges
// keys by (src/check/pii.ts), so the check and the Collector keep one idea of what a personal key is.
import { classifyKey, PERSONAL_KEY_VOCABULARY as VOCABULARY, words } from '../check/pii.js';
import type { CheckPolicy } from '../check/find.js';

export interface KeyPattern {
  /** RE2 syntax; `(?i)` only ever at the start, so `new RegExp(rest, 'i')` reads it the same way. */
  pattern: string;
  /** What it matches, for the comment above it. */
  why: string;
}

/**
 * The patterns for the check's personal keys: the conventions' sensitive keys, HTTP headers that carry
 * credentials or personal data, and keys whose last words name personal data (in snake, dot, kebab or camel
 * case) outside the namespaces of system attributes. They may match a few keys the check lets pass (a
 * `has_email` flag, a joined word such as `sortcode` whose last part reads as derived, a camel-case key in a
 * system namespace, `user_agent.name`), never fewer on keys of those shapes.
 */
export function personalKeyPatterns(policy: CheckPolicy = {}): KeyPattern[] {
  const tail = tailAlternation();
  const camelTail = camelTailAlternation();
  const system = notOneOf([...VOCABULARY.systemNamespaces].sort());
  const patterns: KeyPattern[] = [
    {
      why: "keys the semantic conventions mark as personal or sensitive (user.email, client.address, gen_ai.input.messages, ...)",
      pattern: `(?i)^(?:${Object.keys(VOCABULARY.sensitiveKeys).sort().map(escape).join('|')})$`,
    },
    {
      why: 'HTTP headers recorded as attributes whose name says they carry credentials or personal data (http.request.header.x-api-key)',
      pattern: `(?i)^http\\.(?:request|response)\\.header\\.(?:.*[^a-z0-9])?${tail}`,
    },
    {
      // An entry may span the first dot (`member.name`), so a namespace that ends with an entry's first word
      // is masked too (`user_agent.name`, the browser's name): on the safe side.
      why: 'keys whose last words name personal data (email, phone, address, password, prompt, ...), in snake, dot or kebab case, outside the system namespaces (service., messaging., db., gen_ai., server., ...)',
      pattern: `(?i)^(?:(?:[^.]*[^a-z0-9.])?|${system}\\.(?:.*[^a-z0-9])?)${tail}`,
    },
    {
      // Written in any namespace: the system namespaces' keys are snake case, so a camel-case key there is a
      // project's own (`service.ownerEmail`), and masking it errs on the safe side.
      why: 'the same in camel case (customerEmail, billingAddress), in any namespace',
      pattern: `[a-z0-9]${camelTail}`,
    },
  ];
  for (const key of policy.deny ?? []) patterns.push({ why: `the config's check.deny: ${key}`, pattern: `(?i)^${key.split('*').map(escape).join('.*')}$` });
  for (const pattern of policy.patterns ?? []) {
    if (!isPortable(pattern)) continue;
    patterns.push({ why: `the config's check.patterns: ${pattern}`, pattern: `(?i)${pattern}` });
  }
  return patterns;
}

/** Patterns of the config's `check.patterns` that RE2 cannot read (lookaround, back-references): not carried over. */
export function unportablePatterns(policy: CheckPolicy = {}): string[] {
  return (policy.patterns ?? []).filter((pattern) => !isPortable(pattern));
}

function isPortable(pattern: string): boolean {
  return !/\(\?<?[=!]|\\[1-9]|\\k</.test(pattern);
}

/**
 * The last words of a personal key, each position a choice of words: `[['email']]`, `[['first'], ['name']]`,
 * `[['customer', 'user', ...], ['name']]`.
 */
type Entry = string[][];

/**
 * The word sequences that end a personal key: the check's words, phrases, and owned words under their owners.
 * Each is kept only when the check itself calls a key ending so personal: that drops the ones a derived last
 * word (`email.hash`) or the phrase rules overrule.
 */
function entries(): Entry[] {
  const personal = (sequence: string[]) => classifyKey(`x.${sequence.join('_')}`) !== undefined;
  const sequences = [...Object.keys(VOCABULARY.words).map((word) => words(word)), ...Object.keys(VOCABULARY.phrases).map((phrase) => phrase.split(' '))];
  const seen = new Set<string>();
  const single: Entry[] = [];
  for (const sequence of sequences.filter(personal).map((sequence) => sequence.flatMap(splitCompound))) {
    const key = sequence.join(' ');
    if (seen.has(key)) continue;
    seen.add(key);
    single.push(sequence.map((word) => [word]));
  }
  // `customer.name`, `caller_number`: one entry per owned word, its owners as one choice.
  const owned: Entry[] = Object.keys(VOCABULARY.ownedWords)
    .sort()
    .map((word): Entry => [[...VOCABULARY.owners].filter((owner) => words(owner).length === 1 && personal([owner, word])).sort(), [word]])
    .filter(([owners]) => owners!.length > 0);
  return [...single.sort((a, b) => a.join(' ').localeCompare(b.join(' '))), ...owned];
}

/**
 * `emailaddress` → email, address: the check joins a key's last two words (`email_address` →
 * `emailaddress`), so a joined word matches written apart too. It is split where the parts are words the check
 * knows by themselves (both, else the last, else the first; each of three letters or more).
 */
function splitCompound(word: string): string[] {
  const known = new Set([
    ...Object.keys(VOCABULARY.words),
    ...Object.keys(VOCABULARY.phrases).flatMap((phrase) => phrase.split(' ')),
    ...VOCABULARY.owners,
    ...VOCABULARY.derived,
    ...Object.keys(VOCABULARY.ownedWords),
  ]);
  const splits = [...Array(Math.max(0, word.length - 5)).keys()].map((i) => [word.slice(0, i + 3), word.slice(i + 3)] as const);
  const split =
    splits.find(([head, rest]) => known.has(head) && known.has(rest)) ??
    splits.find(([, rest]) => known.has(rest)) ??
    splits.find(([head]) => known.has(head));
  return split ? [...splitCompound(split[0]), ...splitCompound(split[1])] : [word];
}

/** Words of an entry joined as a key may join them: `first_name`, `first.name`, `firstName`, `firstname`. */
const JOIN = '[^a-z0-9]*';
const CAMEL_JOIN = '[^A-Za-z0-9]*';

function choice(options: string[]): string {
  return options.length === 1 ? options[0]! : `(?:${options.join('|')})`;
}

/** Under `(?i)`: an entry at the end of the key, or a special-category word anywhere after a boundary. */
function tailAlternation(): string {
  const ends = entries().map((entry) => entry.map((position) => choice(position.map(escape))).join(JOIN));
  const special = [...VOCABULARY.specialAnywhere].sort().map(escape);
  return `(?:(?:${ends.join('|')})$|(?:${special.join('|')})(?:[^a-z0-9].*)?$)`;
}

/** Case-sensitive: an entry that starts with a capital after a lower-case letter or digit (`customerEmail`). */
function camelTailAlternation(): string {
  const capital = (word: string) => word.charAt(0).toUpperCase() + escape(word.slice(1));
  const either = (word: string) => `[${word.charAt(0)}${word.charAt(0).toUpperCase()}]${escape(word.slice(1))}`;
  const ends = entries().map(([first, ...rest]) => [choice(first!.map(capital)), ...rest.map((position) => choice(position.map(either)))].join(CAMEL_JOIN));
  const special = [...VOCABULARY.specialAnywhere].sort().map(capital);
  return `(?:(?:${ends.join('|')})$|(?:${special.join('|')})(?:[^a-z].*)?$)`;
}

/**
 * A key segment (no dot) that is none of `excluded`: RE2 has no negative lookahead, so the complement is
 * spelt out over the words' common prefixes. Meant for `(?i)`, where the letters' classes fold case too.
 */
function notOneOf(excluded: string[]): string {
  interface Node {
    end: boolean;
    next: Map<string, Node>;
  }
  const root: Node = { end: false, next: new Map() };
  for (const word of excluded) {
    let node = root;
    for (const char of word) {
      if (!node.next.has(char)) node.next.set(char, { end: false, next: new Map() });
      node = node.next.get(char)!;
    }
    node.end = true;
  }
  const alternatives = (node: Node): string => {
    const chars = [...node.next.keys()].sort();
    const options = [
      // The segment may stop here unless it would then be an excluded word.
      ...(node.end ? [] : ['']),
      `[^.${chars.map(escapeClass).join('')}][^.]*`,
      ...chars.map((char) => `${escape(char)}${alternatives(node.next.get(char)!)}`),
    ];
    return `(?:${options.join('|')})`;
  };
  return alternatives(root);
}

function escape(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\-]/g, '\\$&');
}

function escapeClass(char: string): string {
  return /[\]\\^-]/.test(char) ? `\\${char}` : char;
}
