import { createTwoFilesPatch } from 'diff';
import pc from 'picocolors';
import type { ApplyReport } from './apply.js';
import { relativePath } from './apply.js';

/** Everything the CLI prints goes through here: stdout for results, stderr for errors and progress. */
export class Output {
  constructor(
    private readonly stdout: NodeJS.WritableStream & { isTTY?: boolean } = process.stdout,
    private readonly stderr: NodeJS.WritableStream & { isTTY?: boolean } = process.stderr,
  ) {}

  error(message: string): void {
    this.stderr.write(`${pc.red('error')} ${message}\n`);
  }

  /** A line of a result, as it is. */
  line(message: string): void {
    this.stdout.write(`${message}\n`);
  }

  note(message: string): void {
    this.stdout.write(`${pc.dim(message)}\n`);
  }

  json(value: unknown): void {
    this.stdout.write(`${JSON.stringify(value, null, 2)}\n`);
  }

  diff(file: string, before: string, after: string, isNew: boolean): void {
    const patch = createTwoFilesPatch(isNew ? '/dev/null' : `a/${file}`, `b/${file}`, before, after, undefined, undefined, { context: 3 });
    const lines = patch.split('\n').filter((line) => !line.startsWith('====='));
    const coloured = lines.map((line) => {
      if (line.startsWith('+++') || line.startsWith('---')) return pc.bold(line);
      if (line.startsWith('+')) return pc.green(line);
      if (line.startsWith('-')) return pc.red(line);
      if (line.startsWith('@@')) return pc.cyan(line);
      return line;
    });
    this.stdout.write(`${coloured.join('\n')}\n`);
  }

  /** A one-line progress bar on stderr, only on a terminal and only for runs long enough to need one. */
  progress(total: number, label: string): { tick(): void; done(): void } {
    if (!this.stderr.isTTY || total < 500) return { tick() {}, done() {} };
    let count = 0;
    const width = 30;
    const draw = () => {
      const filled = Math.round((count / total) * width);
      this.stderr.write(`\r${label} [${'#'.repeat(filled)}${'.'.repeat(width - filled)}] ${count}/${total} files`);
    };
    return {
      tick: () => {
        count++;
        if (count % 100 === 0) draw();
      },
      done: () => {
        count = total;
        draw();
        this.stderr.write('\n');
      },
    };
  }

  summary(report: ApplyReport, verbose: boolean): void {
    const w = (line = '') => this.stdout.write(`${line}\n`);
    const { files } = report;
    const verb = report.dry ? 'would change' : 'changed';
    w(
      `${pc.bold('otelify apply')}${report.dry ? pc.dim(' (dry run: nothing written)') : ''}: ` +
        `${plural(files.scanned, 'file')} scanned (${files.parsed} parsed, ${files.ruledOut} ruled out by the prefilter${files.notRead > 0 ? `, ${files.notRead} not read` : ''}): ` +
        `${files.changed} ${verb}, ${files.unchanged} unchanged, ${files.failed > 0 ? pc.red(`${files.failed} failed`) : '0 failed'}`,
    );
    const count = (action: string) => report.sites.filter((s) => s.action === action).length;
    w(`call sites: ${pc.green(`${count('instrumented')} instrumented`)}, ${count('already-instrumented')} already instrumented, ${count('skipped')} skipped`);
    const libraries = [...new Set(report.sites.map((s) => s.library))].sort();
    for (const library of libraries) {
      const sites = report.sites.filter((s) => s.library === library);
      const parts = ['instrumented', 'already-instrumented', 'skipped']
        .map((action) => [action, sites.filter((s) => s.action === action).length] as const)
        .filter(([, n]) => n > 0)
        .map(([action, n]) => `${n} ${action.replace('-', ' ')}`);
      w(`  ${library.padEnd(14)} ${parts.join(', ')}`);
    }
    for (const site of report.sites) {
      if (site.action === 'skipped' || (verbose && site.action !== 'instrumented') || verbose) {
        const where = `${relativePath(site.file)}:${site.line}:${site.column}`;
        const tag = site.action === 'skipped' ? pc.yellow('skipped') : site.action === 'instrumented' ? pc.green('instrumented') : pc.dim('already');
        w(`  ${tag} ${where} ${site.target}${site.reason ? ` — ${site.reason}` : ''}`);
      }
    }
    // Notes are per library (an SDK that also traces itself), so each is said once.
    for (const note of new Set(report.sites.filter((s) => s.note && s.action === 'instrumented').map((s) => `${s.library}: ${s.note}`))) {
      w(`  ${pc.cyan('note')} ${note}`);
    }
    for (const failure of report.failures) {
      const where = failure.line ? `${relativePath(failure.file)}:${failure.line}:${failure.column}` : relativePath(failure.file);
      w(`  ${pc.red('failed')} ${where}: ${failure.message} (file left untouched)`);
    }
    for (const path of report.runtime) w(`  runtime ${relativePath(path)}`);
    for (const { file, added } of report.dependencies) {
      if (report.dry || report.written.includes(file)) w(`  dependencies ${relativePath(file)}${report.dry ? ' would gain' : ' gained'} ${added.join(', ')}`);
    }
    for (const note of report.notes) w(`  ${pc.cyan('note')} ${note}`);
    if (report.outcome) w(report.outcome.startsWith('nothing') || report.outcome.includes('would change') ? pc.yellow(report.outcome) : pc.red(report.outcome));
    if (report.install.length > 0 && report.written.length + (report.dry ? 1 : 0) > 0) w(`${report.dry ? 'After applying, run' : 'Now run'} ${report.install.map((c) => pc.bold(c)).join(' or ')} to install the added dependencies; otelify installs nothing itself.`);
  }
}

function plural(count: number, noun: string): string {
  return `${count} ${noun}${count === 1 ? '' : 's'}`;
}
