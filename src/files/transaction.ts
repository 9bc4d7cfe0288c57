// A run's writes, all or nothing. Every file is checked first (writable, not read-only, ours to replace,
// unchanged since it was read); then each is written through a temporary file and a rename, after a hard
// link (or copy) of the old file is kept beside it. A write that fails, SIGINT or SIGTERM puts every file
// back; after a SIGKILL, the next run finds the lock of a dead process and puts its files back itself. A
// lock keeps two runs off one tree.
import { execFileSync } from 'node:child_process';
import {
  chownSync,
  closeSync,
  constants,
  copyFileSync,
  fchmodSync,
  existsSync,
  fsyncSync,
  linkSync,
  openSync,
  readFileSync,
  renameSync,
  rmSync,
  statSync,
  writeFileSync,
  writeSync,
  accessSync,
} from 'node:fs';
import { hostname } from 'node:os';
import { basename, dirname, join, resolve } from 'node:path';

export interface PlannedWrite {
  path: string;
  /** The bytes the file had when the run read it; undefined for a file the run creates. */
  before: Buffer | undefined;
  after: Buffer;
}

export interface WriteOutcome {
  /** Files now holding their new text. */
  written: string[];
  /** Why a file could not be written; when any is listed, no file was written (or every write was undone). */
  failures: { file: string; message: string }[];
  /** Set when a signal interrupted the run: the writes were undone. */
  interrupted?: NodeJS.Signals;
}

const tempOf = (path: string, pid = process.pid) => join(dirname(path), `.${basename(path)}.otelify-${pid}.tmp`);
const backupOf = (path: string, pid = process.pid) => join(dirname(path), `.${basename(path)}.otelify-${pid}.orig`);

/** Why a planned write cannot go ahead, checked before anything is written. */
export function preflight(write: PlannedWrite, options: { forceReadOnly?: boolean | undefined }): string | undefined {
  const dir = dirname(write.path);
  try {
    accessSync(dir, constants.W_OK);
  } catch {
    return `its folder ${dir} is not writable`;
  }
  const now = statSync(write.path, { throwIfNoEntry: false });
  if (!now) return write.before === undefined ? undefined : 'it was deleted while otelify ran';
  if (write.before === undefined) return 'it appeared while otelify ran';
  if (!now.isFile()) return 'it is not a regular file';
  if ((now.mode & 0o222) === 0 && !options.forceReadOnly) return 'it is read-only (use --force-readonly to write it anyway)';
  const uid = process.getuid?.();
  if (uid !== undefined && uid !== 0 && now.uid !== uid) return `it belongs to another user (uid ${now.uid}); rewriting it would make it yours`;
  if (!readFileSync(write.path).equals(write.before)) return 'it changed while otelify ran';
  return undefined;
}

/**
 * Writes every planned file or none. Call after {@link preflight} passed for all of them and with the lock
 * held. A failure midway undoes the writes done so far; so does SIGINT or SIGTERM, once the write in flight
 * is complete (the caller then ends the process by that signal).
 */
export async function writeAll(writes: PlannedWrite[]): Promise<WriteOutcome> {
  const done: PlannedWrite[] = [];
  let interrupted: NodeJS.Signals | undefined;
  const onSignal = (signal: NodeJS.Signals) => {
    interrupted = signal;
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  try {
    for (const write of writes) {
      // Signal handlers run only between turns of the event loop: give them one before each write.
      await new Promise((resolve) => setImmediate(resolve));
      if (interrupted) break;
      try {
        writeOne(write);
        done.push(write);
      } catch (error) {
        const failures = [{ file: write.path, message: `cannot write: ${(error as Error).message}` }];
        return { written: [], failures: [...failures, ...undo(done)] };
      }
    }
    if (interrupted) return { written: [], failures: undo(done), interrupted };
    for (const write of done) if (write.before !== undefined) rmSync(backupOf(write.path), { force: true });
    return { written: done.map((w) => w.path), failures: [] };
  } finally {
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
  }
}

function writeOne(write: PlannedWrite): void {
  const temp = tempOf(write.path);
  const old = write.before === undefined ? undefined : statSync(write.path);
  try {
    const fd = openSync(temp, 'wx', old ? old.mode & 0o7777 : 0o666);
    try {
      // The umask trims the mode given to open; the old file's mode is set as it was.
      if (old) fchmodSync(fd, old.mode & 0o7777);
      writeSync(fd, write.after);
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
    if (old) {
      // The new file keeps the old one's owner and group (only root can give a file away).
      if (process.getuid?.() === 0 && (old.uid !== 0 || old.gid !== 0)) chownSync(temp, old.uid, old.gid);
      keepBackup(write.path);
    }
    renameSync(temp, write.path);
  } catch (error) {
    rmSync(temp, { force: true });
    // Not replaced: the file is as it was, and its backup (a second link to it) is not needed.
    if (old) rmSync(backupOf(write.path), { force: true });
    throw error;
  }
}

/** The old file, kept until the run ends: a hard link where the filesystem has them, else a copy. */
function keepBackup(path: string): void {
  const backup = backupOf(path);
  rmSync(backup, { force: true });
  try {
    linkSync(path, backup);
  } catch {
    copyFileSync(path, backup);
  }
}

/** Puts back every file written so far; returns what could not be put back. */
function undo(done: PlannedWrite[], pid = process.pid): { file: string; message: string }[] {
  const failures: { file: string; message: string }[] = [];
  for (const write of [...done].reverse()) {
    try {
      if (write.before === undefined) rmSync(write.path, { force: true });
      else renameSync(backupOf(write.path, pid), write.path);
    } catch (error) {
      failures.push({ file: write.path, message: `was written and could not be put back: ${(error as Error).message}` });
    }
  }
  return failures;
}

interface LockRecord {
  pid: number;
  host: string;
  started: string;
  /** The files the run plans to write, so that a run after a crash can put them back. */
  writes: { path: string; created: boolean }[];
}

export class LockedError extends Error {}

/** Where a tree's lock lives: inside `.git` for a git work tree (invisible to `git status`), else at `root`. */
export function lockPathFor(from: string, root: string): string {
  try {
    const gitDir = execFileSync('git', ['rev-parse', '--absolute-git-dir'], { cwd: from, encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim();
    if (gitDir) return join(gitDir, 'otelify.lock');
  } catch {
    // Not a git work tree.
  }
  return join(resolve(root), '.otelify.lock');
}

/** The pid of a dead run whose lock is still there: it was killed while writing. */
export function deadRunOf(lockPath: string): number | undefined {
  try {
    const held = JSON.parse(readFileSync(lockPath, 'utf8')) as LockRecord;
    return held.host === hostname() && !isAlive(held.pid) ? held.pid : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Takes the tree's lock, first recovering from a run that died holding it (its writes are put back and its
 * temporary files removed). Throws LockedError when a live process holds it. Returns what was recovered.
 */
export function acquireLock(lockPath: string): { release(): void; record(writes: PlannedWrite[]): void; recovered: string[] } {
  const recovered: string[] = [];
  for (let attempt = 0; ; attempt++) {
    try {
      const base: LockRecord = { pid: process.pid, host: hostname(), started: new Date().toISOString(), writes: [] };
      createWhole(lockPath, JSON.stringify(base));
      return {
        recovered,
        record(writes) {
          const record: LockRecord = { ...base, writes: writes.map((w) => ({ path: w.path, created: w.before === undefined })) };
          // Replaced whole (a rename), so another run never reads it half-written and takes it for a dead one.
          const partial = `${lockPath}.${process.pid}.tmp`;
          writeFileSync(partial, JSON.stringify(record));
          renameSync(partial, lockPath);
        },
        release() {
          rmSync(lockPath, { force: true });
        },
      };
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST' || attempt > 2) throw error;
    }
    let held: LockRecord | undefined;
    try {
      held = JSON.parse(readFileSync(lockPath, 'utf8')) as LockRecord;
    } catch {
      // Half-written by a process that died at once: nothing was planned yet.
    }
    if (held && held.host === hostname() && isAlive(held.pid)) {
      throw new LockedError(`another otelify run (pid ${held.pid}, started ${held.started}) is writing this tree; its lock is ${lockPath}`);
    }
    if (held) recovered.push(...recover(held));
    rmSync(lockPath, { force: true });
  }
}

/**
 * Creates `path` with its whole content at once, failing with EEXIST when it exists: written beside it, then
 * hard-linked into place, so a run that finds the lock never reads it half-written.
 */
function createWhole(path: string, text: string): void {
  const partial = `${path}.${process.pid}.tmp`;
  writeFileSync(partial, text);
  try {
    linkSync(partial, path);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'EEXIST') throw error;
    // A filesystem without hard links: create exclusively, then write.
    const fd = openSync(path, 'wx');
    writeSync(fd, text);
    closeSync(fd);
  } finally {
    rmSync(partial, { force: true });
  }
}

/** Puts back what a dead run had written, and removes its temporary files. */
function recover(held: LockRecord): string[] {
  const notes: string[] = [];
  for (const { path, created } of held.writes) {
    rmSync(tempOf(path, held.pid), { force: true });
    const backup = backupOf(path, held.pid);
    if (existsSync(backup)) {
      renameSync(backup, path);
      // Killed between linking the backup and replacing the file: both names are links to the same old file,
      // and renaming one onto the other does nothing (POSIX), so the backup name is still there.
      rmSync(backup, { force: true });
      notes.push(path);
    } else if (created && existsSync(path) && readFileSync(path, 'utf8').startsWith('// Generated by otelify.')) {
      rmSync(path);
      notes.push(path);
    }
  }
  return notes;
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}
