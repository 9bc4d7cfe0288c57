// The project's formatter settings for a file, so inserted code is laid out as the project's formatter would
// lay it out: Prettier or Biome where the project configures one, then EditorConfig. Configs are looked for
// from the file's folder upwards, stopping at a folder holding `.git` (the repository's root) or at the
// filesystem root; what each folder holds is read once per lookup.
import { existsSync, readFileSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, relative, resolve, sep } from 'node:path';
import { parse as parseJsonc, type ParseError } from 'jsonc-parser';

export type TrailingComma = 'all' | 'es5' | 'none';

export interface FormatSettings {
  /** Columns a line may take; Infinity for EditorConfig's `max_line_length = off`. */
  printWidth?: number;
  useTabs?: boolean;
  /** Columns of one indentation level (and of a tab). */
  indentWidth?: number;
  singleQuote?: boolean;
  semi?: boolean;
  trailingComma?: TrailingComma;
  /** The file(s) the settings come from. */
  source: string;
}

/** A file's settings, or undefined when no formatter config applies to it. */
export type FormatSettingsLookup = ((file: string) => FormatSettings | undefined) & {
  /** Every config file the lookups so far have read (a build cache depends on them). */
  readonly configFiles: ReadonlySet<string>;
};

type Options = Omit<FormatSettings, 'source'>;

interface Override {
  files: string[];
  excludeFiles: string[];
  options: Options;
}

interface FormatterConfig {
  kind: 'prettier' | 'biome';
  /** The config file, as the settings' source names it. */
  file: string;
  /** The files read for it (a package.json and the shared config it names). */
  paths: string[];
  /** The folder `overrides` globs are relative to: the project's config file's. */
  dir: string;
  options: Options;
  /** Prettier's `overrides`, matched against the path relative to the config's folder. */
  overrides: Override[];
}

interface EditorConfigSection {
  glob: string;
  props: Record<string, string>;
}

interface EditorConfigFile {
  file: string;
  root: boolean;
  sections: EditorConfigSection[];
}

interface FolderConfigs {
  /** The nearest Prettier or Biome config, from this folder up. */
  formatter?: FormatterConfig;
  /** `.editorconfig` files from this folder up to the first with `root = true`, nearest first. */
  editorConfigs: EditorConfigFile[];
}

/** What Prettier 3 uses for an option its config (and EditorConfig) leaves out. */
const PRETTIER_DEFAULTS: Required<Options> = { printWidth: 80, useTabs: false, indentWidth: 2, singleQuote: false, semi: true, trailingComma: 'all' };
/** What Biome uses for an option its config (and EditorConfig) leaves out. */
const BIOME_DEFAULTS: Required<Options> = { printWidth: 80, useTabs: true, indentWidth: 2, singleQuote: false, semi: true, trailingComma: 'all' };

const PRETTIER_FILES = ['.prettierrc', '.prettierrc.json', '.prettierrc.yaml', '.prettierrc.yml', '.prettierrc.json5'];
/** Configs that are code: never evaluated, only scanned for plain literal options (see {@link scanLiteralOptions}). */
const PRETTIER_CODE_FILES = ['.prettierrc.js', '.prettierrc.cjs', '.prettierrc.mjs', '.prettierrc.ts', '.prettierrc.cts', '.prettierrc.mts', 'prettier.config.js', 'prettier.config.cjs', 'prettier.config.mjs', 'prettier.config.ts', 'prettier.config.cts', 'prettier.config.mts'];
const BIOME_FILES = ['biome.json', 'biome.jsonc'];

/** A lookup with its own cache: one per run, so a long-lived process (a watch build) sees edited configs. */
export function createFormatSettingsLookup(): FormatSettingsLookup {
  const folders = new Map<string, FolderConfigs>();
  const configFiles = new Set<string>();

  const folder = (dir: string): FolderConfigs => {
    const known = folders.get(dir);
    if (known) return known;
    const parent = dirname(dir);
    const stop = parent === dir || existsSync(join(dir, '.git'));
    const above: FolderConfigs = stop ? { editorConfigs: [] } : folder(parent);
    const formatter = readFormatter(dir);
    const editorConfig = readEditorConfig(join(dir, '.editorconfig'));
    for (const file of [...(formatter?.paths ?? []), editorConfig?.file]) if (file) configFiles.add(file);
    const configs: FolderConfigs = {
      formatter: formatter ?? above.formatter,
      editorConfigs: editorConfig ? (editorConfig.root ? [editorConfig] : [editorConfig, ...above.editorConfigs]) : above.editorConfigs,
    };
    folders.set(dir, configs);
    return configs;
  };

  const lookup = (file: string): FormatSettings | undefined => {
    const path = resolve(file);
    const { formatter, editorConfigs } = folder(dirname(path));
    const sources: string[] = [];
    // Farthest first, so nearer files (and later sections) win.
    let fromEditorConfig: Options = {};
    for (const config of [...editorConfigs].reverse()) {
      const props: Record<string, string> = {};
      for (const section of config.sections) if (globMatches(section.glob, relativePath(dirname(config.file), path))) Object.assign(props, section.props);
      const options = editorConfigOptions(props);
      if (Object.keys(options).length > 0) {
        fromEditorConfig = { ...fromEditorConfig, ...options };
        sources.push(config.file);
      }
    }
    if (!formatter && sources.length === 0) return undefined;
    let options: Options = fromEditorConfig;
    if (formatter) {
      let own = formatter.options;
      const at = relativePath(formatter.dir, path);
      const matched = formatter.overrides.filter((o) => o.files.some((g) => globMatches(g, at)) && !o.excludeFiles.some((g) => globMatches(g, at)));
      for (const override of matched) own = { ...own, ...override.options };
      const defaults = formatter.kind === 'prettier' ? PRETTIER_DEFAULTS : BIOME_DEFAULTS;
      // The formatter's own settings, then EditorConfig's for what they leave out, then the formatter's defaults.
      options = { ...defaults, ...fromEditorConfig, ...own };
      sources.unshift(matched.length > 0 ? `${formatter.file} (overrides)` : formatter.file);
    }
    return { ...definedOnly(options), source: sources.join(' + ') };
  };
  return Object.assign(lookup, { configFiles });
}

function definedOnly(options: Options): Options {
  return Object.fromEntries(Object.entries(options).filter(([, v]) => v !== undefined)) as Options;
}

function relativePath(from: string, to: string): string {
  return relative(from, to).split(sep).join('/');
}

// ---- Prettier and Biome ------------------------------------------------------------------------------------

/** The Prettier or Biome config this folder holds (Prettier's when it has both). */
function readFormatter(dir: string): FormatterConfig | undefined {
  return readPrettier(dir) ?? readBiome(dir);
}

function readText(file: string): string | undefined {
  try {
    return statSync(file).isFile() ? readFileSync(file, 'utf8') : undefined;
  } catch {
    return undefined;
  }
}

function parseJson(text: string): unknown {
  const errors: ParseError[] = [];
  const value: unknown = parseJsonc(text, errors, { allowTrailingComma: true, disallowComments: false });
  return errors.length === 0 ? value : undefined;
}

function readPrettier(dir: string): FormatterConfig | undefined {
  // Prettier's own order: package.json's "prettier" key, then the rc files, then the config modules.
  const packageJson = join(dir, 'package.json');
  const pkg = readText(packageJson);
  const fromPackage = pkg !== undefined ? (parseJson(pkg) as { prettier?: unknown } | undefined)?.prettier : undefined;
  if (fromPackage !== undefined) return prettierConfig(packageJson, fromPackage, dir);
  for (const name of PRETTIER_FILES) {
    const file = join(dir, name);
    const text = readText(file);
    if (text === undefined) continue;
    const value = name.endsWith('.yaml') || name.endsWith('.yml') ? parseSimpleYaml(text) : name === '.prettierrc' && !/^\s*["{]/.test(text) ? parseSimpleYaml(text) : parseJson(text);
    // A JSON5 file JSON cannot read (unquoted keys, single quotes): its plain literal options only.
    if (value === undefined && name.endsWith('.json5')) return { kind: 'prettier', file, paths: [file], dir, options: scanLiteralOptions(text), overrides: [] };
    return prettierConfig(file, value, dir);
  }
  for (const name of PRETTIER_CODE_FILES) {
    const file = join(dir, name);
    const text = readText(file);
    if (text !== undefined) return { kind: 'prettier', file, paths: [file], dir, options: scanLiteralOptions(text), overrides: [] };
  }
  return undefined;
}

/** A config's value: its options, or a shared config package it names (read when that resolves to JSON). */
function prettierConfig(file: string, value: unknown, dir: string): FormatterConfig {
  if (typeof value === 'string') {
    const shared = resolveSharedConfig(value, dir);
    if (shared && 'value' in shared) return { ...prettierConfig(shared.file, shared.value, dir), file: `${file} -> ${shared.file}`, paths: [file, shared.file] };
    if (shared) return { kind: 'prettier', file: `${file} -> ${shared.file}`, paths: [file, shared.file], dir, options: shared.options, overrides: [] };
    return { kind: 'prettier', file, paths: [file], dir, options: {}, overrides: [] };
  }
  const record = isRecord(value) ? value : {};
  const overrides = Array.isArray(record.overrides)
    ? record.overrides.filter(isRecord).map((o) => ({ files: stringList(o.files), excludeFiles: stringList(o.excludeFiles), options: prettierOptions(isRecord(o.options) ? o.options : {}) }))
    : [];
  return { kind: 'prettier', file, paths: [file], dir, options: prettierOptions(record), overrides };
}

/** A shared config package's file: JSON is read, code (`module.exports = { ... }`) scanned for its literal options. */
function resolveSharedConfig(name: string, dir: string): { file: string; value: unknown } | { file: string; options: Options } | undefined {
  try {
    const file = createRequire(join(dir, 'package.json')).resolve(name);
    const text = readFileSync(file, 'utf8');
    if (/\.[cm]?js$/.test(file)) return { file, options: scanLiteralOptions(text) };
    if (!file.endsWith('.json')) return undefined;
    const value = parseJson(text);
    return isRecord(value) ? { file, value } : undefined;
  } catch {
    return undefined;
  }
}

function prettierOptions(record: Record<string, unknown>): Options {
  const options: Options = {};
  if (typeof record.printWidth === 'number' && record.printWidth > 0) options.printWidth = record.printWidth;
  if (typeof record.useTabs === 'boolean') options.useTabs = record.useTabs;
  if (typeof record.tabWidth === 'number' && record.tabWidth > 0) options.indentWidth = record.tabWidth;
  if (typeof record.singleQuote === 'boolean') options.singleQuote = record.singleQuote;
  if (typeof record.semi === 'boolean') options.semi = record.semi;
  if (record.trailingComma === 'all' || record.trailingComma === 'es5' || record.trailingComma === 'none') options.trailingComma = record.trailingComma;
  return options;
}

/**
 * Plain literal options (`printWidth: 100`, `singleQuote: true`) of a config that is code (or JSON5 that JSON
 * cannot read). Code is never evaluated (that would run the project's code, and import its dependencies),
 * so this is a conservative scan: options computed, spread in from a shared config or set under `overrides`
 * are not seen, and a key written twice with different values is left out, as it may belong to an override.
 */
export function scanLiteralOptions(text: string): Options {
  const code = text.replace(/\/\*[\s\S]*?\*\//g, '').replace(/(^|[\s;,{])\/\/.*$/gm, '$1');
  const found: Record<string, unknown> = {};
  const conflicting = new Set<string>();
  const pattern = /(?:^|[\s{,])["']?(printWidth|tabWidth|useTabs|semi|singleQuote|trailingComma)["']?\s*:\s*(true|false|\d+|'[^'\n]*'|"[^"\n]*")\s*(?=[,}\n\r]|$)/g;
  for (const [, key, raw] of code.matchAll(pattern)) {
    const value = raw === 'true' ? true : raw === 'false' ? false : /^\d/.test(raw!) ? Number(raw) : raw!.slice(1, -1);
    if (key! in found && found[key!] !== value) conflicting.add(key!);
    found[key!] = value;
  }
  for (const key of conflicting) delete found[key];
  return prettierOptions(found);
}

function readBiome(dir: string): FormatterConfig | undefined {
  for (const name of BIOME_FILES) {
    const file = join(dir, name);
    const text = readText(file);
    if (text === undefined) continue;
    const config = parseJson(text);
    if (!isRecord(config)) return undefined;
    const general = isRecord(config.formatter) ? config.formatter : {};
    const javascript = isRecord(config.javascript) && isRecord(config.javascript.formatter) ? config.javascript.formatter : {};
    // A Biome config that turns its formatter off formats nothing: EditorConfig (or nothing) applies.
    if (general.enabled === false || javascript.enabled === false) return undefined;
    // The JavaScript section's settings override the general ones.
    const merged = { ...general, ...javascript };
    const options: Options = {};
    if (typeof merged.lineWidth === 'number' && merged.lineWidth > 0) options.printWidth = merged.lineWidth;
    if (merged.indentStyle === 'tab' || merged.indentStyle === 'space') options.useTabs = merged.indentStyle === 'tab';
    const indentWidth = merged.indentWidth ?? merged.indentSize;
    if (typeof indentWidth === 'number' && indentWidth > 0) options.indentWidth = indentWidth;
    if (merged.quoteStyle === 'single' || merged.quoteStyle === 'double') options.singleQuote = merged.quoteStyle === 'single';
    if (merged.semicolons === 'always' || merged.semicolons === 'asNeeded') options.semi = merged.semicolons === 'always';
    const trailing = merged.trailingCommas ?? merged.trailingComma;
    if (trailing === 'all' || trailing === 'es5' || trailing === 'none') options.trailingComma = trailing;
    return { kind: 'biome', file, paths: [file], dir, options, overrides: [] };
  }
  return undefined;
}

/**
 * Top-level `key: value` lines of a YAML config (what `.prettierrc.yaml` files hold); nested blocks
 * (`overrides:` lists) are not read.
 */
export function parseSimpleYaml(text: string): Record<string, unknown> | undefined {
  const result: Record<string, unknown> = {};
  for (const line of text.split(/\r?\n/)) {
    if (/^\s*(#|$)/.test(line) || /^---\s*$/.test(line)) continue;
    const match = /^([A-Za-z_][\w-]*|"[^"]*"|'[^']*')\s*:\s*(.*?)\s*$/.exec(line);
    if (!match) {
      if (/^\S/.test(line)) return undefined;
      continue;
    }
    const key = match[1]!.replace(/^["']|["']$/g, '');
    const raw = match[2]!.replace(/\s+#.*$/, '');
    if (raw === '') continue;
    if (/^(true|false)$/.test(raw)) result[key] = raw === 'true';
    else if (/^-?\d+(\.\d+)?$/.test(raw)) result[key] = Number(raw);
    else if (/^"[^"]*"$|^'[^']*'$/.test(raw)) result[key] = raw.slice(1, -1);
    else result[key] = raw;
  }
  return result;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function stringList(value: unknown): string[] {
  return (Array.isArray(value) ? value : [value]).filter((v): v is string => typeof v === 'string');
}

// ---- EditorConfig ------------------------------------------------------------------------------------------

function readEditorConfig(file: string): EditorConfigFile | undefined {
  const text = readText(file);
  if (text === undefined) return undefined;
  const config: EditorConfigFile = { file, root: false, sections: [] };
  let section: EditorConfigSection | undefined;
  for (const raw of text.split(/\r?\n/)) {
    const line = raw.trim();
    if (line === '' || line.startsWith('#') || line.startsWith(';')) continue;
    const header = /^\[(.*)\]$/.exec(line);
    if (header) {
      section = { glob: header[1]!, props: {} };
      config.sections.push(section);
      continue;
    }
    const pair = /^([^=:]+?)\s*[=:]\s*(.*)$/.exec(line);
    if (!pair) continue;
    const key = pair[1]!.toLowerCase();
    const value = pair[2]!.replace(/\s[#;].*$/, '').trim().toLowerCase();
    if (section) section.props[key] = value;
    else if (key === 'root') config.root = value === 'true';
  }
  return config;
}

/** The options an EditorConfig section's properties give (as Prettier reads them). */
function editorConfigOptions(props: Record<string, string>): Options {
  const options: Options = {};
  const number = (value: string | undefined) => (value !== undefined && /^\d+$/.test(value) && Number(value) > 0 ? Number(value) : undefined);
  if (props.indent_style === 'tab' || props.indent_style === 'space') options.useTabs = props.indent_style === 'tab';
  if (props.indent_size === 'tab') options.useTabs ??= true;
  const size = props.indent_size === 'tab' ? number(props.tab_width) : (number(props.indent_size) ?? number(props.tab_width));
  if (size !== undefined) options.indentWidth = size;
  if (props.max_line_length === 'off') options.printWidth = Number.POSITIVE_INFINITY;
  else if (number(props.max_line_length) !== undefined) options.printWidth = number(props.max_line_length);
  if (props.quote_type === 'single' || props.quote_type === 'double') options.singleQuote = props.quote_type === 'single';
  return options;
}

/**
 * Whether `path` (relative to the config's folder, with `/`) matches an EditorConfig section or a Prettier
 * override glob: `*`, `**`, `?`, `[abc]`, `[!abc]`, `{a,b}` and EditorConfig's `{1..3}`. A glob without a `/`
 * matches a file's name at any depth; one with a `/` matches from the config's folder.
 */
export function globMatches(glob: string, path: string): boolean {
  // A `/` inside a bracket expression is no folder separator.
  const anchored = glob.replace(/\[[^\]]*\]/g, '').includes('/');
  const pattern = anchored ? glob.replace(/^\//, '') : `**/${glob}`;
  try {
    return new RegExp(`^${globSource(pattern)}$`).test(path);
  } catch {
    return false;
  }
}

function globSource(glob: string): string {
  let out = '';
  for (let i = 0; i < glob.length; i++) {
    const c = glob[i]!;
    if (c === '*') {
      if (glob[i + 1] === '*') {
        i++;
        // `**/` also matches no folder at all.
        if (glob[i + 1] === '/') {
          i++;
          out += '(?:.*/)?';
        } else out += '.*';
      } else out += '[^/]*';
    } else if (c === '?') out += '[^/]';
    else if (c === '[') {
      const end = glob.indexOf(']', i + 1);
      if (end === -1) out += '\\[';
      else {
        const body = glob.slice(i + 1, end);
        out += `[${body.startsWith('!') ? `^${escapeClass(body.slice(1))}` : escapeClass(body)}]`;
        i = end;
      }
    } else if (c === '{') {
      const end = closingBrace(glob, i);
      if (end === -1) out += '\\{';
      else {
        const body = glob.slice(i + 1, end);
        const range = /^(-?\d+)\.\.(-?\d+)$/.exec(body);
        if (range) {
          const [from, to] = [Number(range[1]), Number(range[2])].sort((a, b) => a - b) as [number, number];
          out += to - from <= 1000 ? `(?:${Array.from({ length: to - from + 1 }, (_, k) => from + k).join('|')})` : '-?\\d+';
        } else out += `(?:${splitAlternatives(body).map(globSource).join('|')})`;
        i = end;
      }
    } else if (c === '\\' && i + 1 < glob.length) out += escapeRegExp(glob[++i]!);
    else out += escapeRegExp(c);
  }
  return out;
}

function closingBrace(glob: string, open: number): number {
  let depth = 0;
  for (let i = open; i < glob.length; i++) {
    if (glob[i] === '\\') i++;
    else if (glob[i] === '{') depth++;
    else if (glob[i] === '}' && --depth === 0) return i;
  }
  return -1;
}

function splitAlternatives(body: string): string[] {
  const parts: string[] = [];
  let depth = 0;
  let start = 0;
  for (let i = 0; i < body.length; i++) {
    if (body[i] === '\\') i++;
    else if (body[i] === '{') depth++;
    else if (body[i] === '}') depth--;
    else if (body[i] === ',' && depth === 0) {
      parts.push(body.slice(start, i));
      start = i + 1;
    }
  }
  parts.push(body.slice(start));
  return parts;
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
}

function escapeClass(text: string): string {
  return text.replace(/[\\\]^]/g, '\\$&');
}
