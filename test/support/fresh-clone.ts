// A fresh checkout of the working tree as it would be committed: every file git tracks or would track
// (`git ls-files -co --exclude-standard`: tracked, plus untracked but not ignored, so work in progress is in),
// less the files deleted from the working tree. Nothing git ignores comes along: no node_modules, no dist.
import { execFileSync } from 'node:child_process';
import { copyFileSync, lstatSync, mkdirSync, readlinkSync, symlinkSync } from 'node:fs';
import { dirname, join } from 'node:path';

/** Build output and installs, left out even if someone commits them by mistake: the clone must make its own. */
const GENERATED = /(^|\/)node_modules\/|^dist\/|^packages\/[^/]+\/dist\//;

/** Copies the working tree of the git repository at `root` into `destination` (made if missing); returns the paths copied. */
export function freshClone(root: string, destination: string): string[] {
  const listed = execFileSync('git', ['ls-files', '-z', '--cached', '--others', '--exclude-standard'], { cwd: root, encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 })
    .split('\0')
    .filter(Boolean);
  const copied: string[] = [];
  for (const path of [...new Set(listed)]) {
    if (GENERATED.test(path)) continue;
    let stat;
    try {
      stat = lstatSync(join(root, path));
    } catch {
      continue; // tracked, but deleted in the working tree: a commit now would delete it too
    }
    if (stat.isDirectory()) continue; // a submodule: not part of this package
    const target = join(destination, path);
    mkdirSync(dirname(target), { recursive: true });
    if (stat.isSymbolicLink()) symlinkSync(readlinkSync(join(root, path)), target);
    else copyFileSync(join(root, path), target); // keeps the mode, so executable scripts stay executable
    copied.push(path);
  }
  return copied;
}
