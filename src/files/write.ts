import writeFileAtomic from 'write-file-atomic';

/** Writes through a temporary file and a rename, so a file is either the old text or the new, never half. */
export function writeAtomically(path: string, text: string): void {
  writeFileAtomic.sync(path, text, { encoding: 'utf8' });
}
