import MagicString, { type SourceMap } from 'magic-string';
import { dominantLineEnding } from '../files/source-text.js';
import { layOut, type Layout } from './layout.js';

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

  /**
   * The edited text and its source map. With a layout, inserted objects break across lines where the final
   * line would be too long (see layout.ts); without one they stay on their lines.
   */
  apply(source: string, fileName: string, layout?: Layout): { code: string; map: SourceMap } {
    const opens = this.insertions.filter((i) => i.side === 'open').sort((a, b) => a.pos - b.pos || b.span - a.span);
    const closes = this.insertions.filter((i) => i.side === 'close').sort((a, b) => a.pos - b.pos || a.span - b.span);
    const edits = [...this.replacements, ...opens, ...closes];
    // Inserted lines end as most of the file's lines do, so a CRLF file stays CRLF.
    const eol = dominantLineEnding(source) === '\r\n' ? (text: string) => text.replace(/(?<!\r)\n/g, '\r\n') : (text: string) => text;
    const build = (texts: string[]) => {
      const ms = new MagicString(source);
      this.replacements.forEach(({ start, end }, i) => ms.overwrite(start, end, eol(texts[i]!)));
      opens.forEach((insertion, i) => ms.appendRight(insertion.pos, eol(texts[this.replacements.length + i]!)));
      closes.forEach((insertion, i) => ms.appendLeft(insertion.pos, eol(texts[this.replacements.length + opens.length + i]!)));
      return ms;
    };
    // Where each break point goes is decided on the whole final text; the edits then insert plain text, so the
    // source map maps every original character where it went.
    const texts = layOut(source, edits.map((edit) => edit.text), (tagged) => build(tagged).toString(), layout);
    const ms = build(texts);
    return { code: ms.toString(), map: ms.generateMap({ source: fileName, includeContent: true, hires: 'boundary' }) };
  }
}
