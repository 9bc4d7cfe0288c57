import MagicString, { type SourceMap } from 'magic-string';
import { dominantLineEnding } from '../files/source-text.js';

interface Insertion {
  pos: number;
  text: string;
  /** Length of the wrapped node: outer wrappers open first and close last. */
  span: number;
  side: 'open' | 'close';
}

/**
 * Text edits on one file. Wrappers are recorded as an opening and a closing insertion around a node, so
 * nested wrappers at the same offset nest correctly whatever order they were recorded in.
 */
export class EditList {
  private readonly insertions: Insertion[] = [];
  private readonly replacements: { start: number; end: number; text: string }[] = [];

  wrap(start: number, end: number, open: string, close: string): void {
    this.insertions.push({ pos: start, text: open, span: end - start, side: 'open' });
    this.insertions.push({ pos: end, text: close, span: end - start, side: 'close' });
  }

  insert(pos: number, text: string): void {
    this.insertions.push({ pos, text, span: 0, side: 'close' });
  }

  replace(start: number, end: number, text: string): void {
    this.replacements.push({ start, end, text });
  }

  get isEmpty(): boolean {
    return this.insertions.length === 0 && this.replacements.length === 0;
  }

  apply(source: string, fileName: string): { code: string; map: SourceMap } {
    const ms = new MagicString(source);
    // Inserted lines end as most of the file's lines do, so a CRLF file stays CRLF.
    const eol = dominantLineEnding(source) === '\r\n' ? (text: string) => text.replace(/(?<!\r)\n/g, '\r\n') : (text: string) => text;
    for (const { start, end, text } of this.replacements) ms.overwrite(start, end, eol(text));
    const opens = this.insertions.filter((i) => i.side === 'open').sort((a, b) => a.pos - b.pos || b.span - a.span);
    for (const insertion of opens) ms.appendRight(insertion.pos, eol(insertion.text));
    const closes = this.insertions.filter((i) => i.side === 'close').sort((a, b) => a.pos - b.pos || a.span - b.span);
    for (const insertion of closes) ms.appendLeft(insertion.pos, eol(insertion.text));
    return { code: ms.toString(), map: ms.generateMap({ source: fileName, includeContent: true, hires: 'boundary' }) };
  }
}
