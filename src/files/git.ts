import { execFileSync } from 'node:child_process';
import { dirname, resolve } from 'node:path';
import { existsSync, statSync } from 'node:fs';

/**
 * Uncommitted changes (tracked or untracked) under the given paths, or [] outside a git work tree.
 * `otelify apply` refuses to write over them without --force, so its rewrite can be reviewed and reverted.
 */
export function uncommittedChanges(paths: string[]): string[] {
  const changes: string[] = [];
  for (const path of paths) {
    const absolute = resolve(path);
    const dir = existsSync(absolute) && statSync(absolute).isDirectory() ? absolute : dirname(absolute);
    try {
      const out = execFileSync('git', ['status', '--porcelain', '--', absolute], {
        cwd: dir,
        encoding: 'utf8',
        stdio: ['ignore', 'pipe', 'ignore'],
      });
      changes.push(...out.split('\n').filter(Boolean));
    } catch {
      // Not a git work tree (or no git): nothing to protect.
    }
  }
  return [...new Set(changes)];
}
