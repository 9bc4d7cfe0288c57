// Line breaking of inserted code. Inserted objects (`{ system: 'kafka', operation: 'publish' }`) carry break
// points as private-use characters, which source text never holds: where the final line that holds one fits
// the print width, the object stays on that line; where it does not, the object is broken, one property per
// line, one level deeper than the line's own indentation, the closing brace back at that indentation. Only
// inserted text ever breaks: the code around it is never re-flowed.

/** After an object's `{`. */
export const OBJECT_OPEN = '\uE000';
/** Between two of its properties. */
export const OBJECT_SEPARATOR = '\uE001';
/** Before its `}`. */
export const OBJECT_CLOSE = '\uE002';

const MARKERS = /[\uE000-\uE002]/;
const FLAT: Record<string, string> = { [OBJECT_OPEN]: ' ', [OBJECT_SEPARATOR]: ', ', [OBJECT_CLOSE]: ' ' };
/** Each marker, while the layout is worked out, is followed by its id: one code point of plane 15 (private use). */
const ID_BASE = 0xf0000;
const MAX_IDS = 0xfffd;
const TAGGED = /([\uE000-\uE002])([\u{F0000}-\u{FFFFD}])/gu;
const RESERVED = /[\uE000-\uE002\u{F0000}-\u{FFFFD}]/u;

export interface Layout {
  /** Columns a line may take. */
  printWidth: number;
  /** One level of indentation (`'  '`, `'\t'`). */
  indentUnit: string;
  /** Columns a tab takes. */
  tabWidth: number;
  /** A broken object's last property ends with a comma. */
  trailingComma: boolean;
}

export function hasBreakPoints(text: string): boolean {
  return MARKERS.test(text);
}

/** Text with every break point left on its line. */
export function flatten(text: string): string {
  return text.replace(/[\uE000-\uE002]/g, (marker) => FLAT[marker]!);
}

/**
 * The inserted texts with each break point resolved, for the final text `render` makes of them. Break points
 * that cannot be told apart from the source's own characters (a source holding private-use characters) or
 * that are too many stay flat.
 */
export function layOut(source: string, texts: string[], render: (texts: string[]) => string, layout: Layout | undefined): string[] {
  if (!layout || !texts.some(hasBreakPoints)) return texts.map(flatten);
  if (RESERVED.test(source)) return texts.map(flatten);
  let next = 0;
  const tagged = texts.map((text) => text.replace(/[\uE000-\uE002]/g, (marker) => marker + String.fromCodePoint(ID_BASE + next++)));
  if (next > MAX_IDS) return texts.map(flatten);
  const decisions = new Map<string, string>();
  const final = render(tagged);
  for (const line of final.split('\n')) if (hasBreakPoints(line)) layOutLine(line.replace(/\r$/, ''), layout, decisions);
  return tagged.map((text) => text.replace(TAGGED, (_, marker: string, id: string) => decisions.get(id) ?? FLAT[marker]!));
}

/** The columns a line takes as written flat (a tab takes `tabWidth`). */
export function lineWidth(line: string, tabWidth: number): number {
  let width = 0;
  for (const c of line.replace(TAGGED, (_, marker: string) => FLAT[marker]!)) width += c === '\t' ? tabWidth : 1;
  return width;
}

interface Marker {
  kind: string;
  id: string;
  /** Where the marker starts (its id follows it, two code units). */
  at: number;
}

function markersOf(line: string): Marker[] {
  return [...line.matchAll(TAGGED)].map((m) => ({ kind: m[1]!, id: m[2]!, at: m.index }));
}

/** Decides the break points of one line: flat if it fits, else its first object broken and each new line again. */
function layOutLine(line: string, layout: Layout, decisions: Map<string, string>): void {
  const markers = markersOf(line);
  if (markers.length === 0) return;
  if (lineWidth(line, layout.tabWidth) <= layout.printWidth) return; // undecided markers stay flat
  // The first object of the line that opens and closes on it (an object's markers all come from one text).
  let depth = 0;
  let open: number | undefined;
  let close: number | undefined;
  const separators: number[] = [];
  for (let i = 0; i < markers.length; i++) {
    const { kind } = markers[i]!;
    if (kind === OBJECT_OPEN) {
      if (depth === 0) open = i;
      depth++;
    } else if (kind === OBJECT_CLOSE) {
      if (depth === 0) continue;
      depth--;
      if (depth === 0 && open !== undefined) {
        close = i;
        break;
      }
    } else if (depth === 1 && open !== undefined) separators.push(i);
  }
  if (open === undefined || close === undefined) return;
  const indent = /^[ \t]*/.exec(line)![0];
  const inner = indent + layout.indentUnit;
  const cut = [open, ...separators, close].map((i) => markers[i]!);
  decisions.set(cut[0]!.id, `\n${inner}`);
  for (const separator of cut.slice(1, -1)) decisions.set(separator.id, `,\n${inner}`);
  decisions.set(cut[cut.length - 1]!.id, `${layout.trailingComma ? ',' : ''}\n${indent}`);
  // Each property on its own line, then what follows the object: laid out again.
  for (let k = 0; k + 1 < cut.length; k++) {
    const property = line.slice(cut[k]!.at + 3, cut[k + 1]!.at);
    const last = k + 2 === cut.length;
    layOutLine(`${inner}${property}${!last || layout.trailingComma ? ',' : ''}`, layout, decisions);
  }
  layOutLine(indent + line.slice(cut[cut.length - 1]!.at + 3), layout, decisions);
}
