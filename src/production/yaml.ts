// Just enough YAML for the configuration files otelify writes: block maps and lists of scalars, comments
// above keys and items, and every string quoted unless it plainly reads as itself. The output depends on
// the input alone (key order as given), so a run on the same code writes the same bytes.

/** A value with comment lines above it (without `#`). */
export class Commented {
  constructor(
    readonly comment: string[],
    readonly value: YamlValue,
  ) {}
}

/** Written as it is: a number too large for a JavaScript number (int64's maximum). */
export class Verbatim {
  constructor(readonly text: string) {}
}

export type YamlValue = string | number | boolean | Verbatim | Commented | YamlValue[] | { [key: string]: YamlValue };

export function comment(lines: string | string[], value: YamlValue): Commented {
  return new Commented(Array.isArray(lines) ? lines : [lines], value);
}

/** A document: its comment lines first, then the map. */
export function toYaml(document: { [key: string]: YamlValue }, header: string[] = []): string {
  const lines = header.map((line) => (line ? `# ${line}` : '#'));
  writeMap(document, 0, lines, true);
  return `${lines.join('\n')}\n`;
}

function isMap(value: YamlValue): value is { [key: string]: YamlValue } {
  return typeof value === 'object' && !Array.isArray(value) && !(value instanceof Verbatim) && !(value instanceof Commented);
}

function unwrap(value: YamlValue): { comment: string[]; value: YamlValue } {
  if (!(value instanceof Commented)) return { comment: [], value };
  const inner = unwrap(value.value);
  return { comment: [...value.comment, ...inner.comment], value: inner.value };
}

function writeComment(lines: string[], indent: number, comment: string[]): void {
  for (const line of comment) lines.push(`${' '.repeat(indent)}#${line ? ` ${line}` : ''}`);
}

function writeMap(map: { [key: string]: YamlValue }, indent: number, lines: string[], topLevel = false): void {
  const pad = ' '.repeat(indent);
  Object.entries(map).forEach(([key, entry], index) => {
    const { comment, value } = unwrap(entry);
    // Top-level sections apart, as Collector configs are usually laid out.
    if (topLevel && index > 0) lines.push('');
    writeComment(lines, indent, comment);
    const name = scalar(key);
    if (isMap(value)) {
      if (Object.keys(value).length === 0) return void lines.push(`${pad}${name}: {}`);
      lines.push(`${pad}${name}:`);
      writeMap(value, indent + 2, lines);
    } else if (Array.isArray(value)) {
      if (value.length === 0) return void lines.push(`${pad}${name}: []`);
      lines.push(`${pad}${name}:`);
      writeList(value, indent + 2, lines);
    } else {
      lines.push(`${pad}${name}: ${scalar(value)}`);
    }
  });
}

function writeList(list: YamlValue[], indent: number, lines: string[]): void {
  const pad = ' '.repeat(indent);
  for (const item of list) {
    const { comment, value } = unwrap(item);
    writeComment(lines, indent, comment);
    if (isMap(value)) {
      // `- key: value` then the map's other keys under it.
      const nested: string[] = [];
      writeMap(value, indent + 2, nested);
      lines.push(`${pad}- ${nested[0]!.trimStart()}`, ...nested.slice(1));
    } else if (Array.isArray(value)) {
      throw new Error('otelify: a list directly in a list is not written');
    } else {
      lines.push(`${pad}- ${scalar(value)}`);
    }
  }
}

/** Plain where YAML reads the text back as the same string, single-quoted otherwise. */
function scalar(value: YamlValue): string {
  if (value instanceof Verbatim) return value.text;
  if (typeof value === 'number') {
    if (!Number.isFinite(value)) throw new Error(`otelify: cannot write ${value} in YAML`);
    return String(value);
  }
  if (typeof value === 'boolean') return String(value);
  if (typeof value !== 'string') throw new Error('otelify: not a scalar');
  const plain = /^[A-Za-z_$][A-Za-z0-9_.\-/$]*$/.test(value) && !/^(true|false|yes|no|on|off|null|y|n|~)$/i.test(value);
  return plain ? value : `'${value.replace(/'/g, "''")}'`;
}
