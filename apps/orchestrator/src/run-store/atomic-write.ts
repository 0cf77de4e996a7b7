// Atomic file replacement: readers (and a resume after `kill -9`) see either the old file or the
// complete new one, never a torn write. POSIX rename(2) within one directory is atomic.
import { closeSync, fsyncSync, openSync, renameSync, rmSync, writeSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';

let counter = 0;

export function writeFileAtomic(path: string, data: Uint8Array | string): void {
  const tmp = join(dirname(path), `.${basename(path)}.tmp-${process.pid}-${counter++}`);
  const bytes = typeof data === 'string' ? Buffer.from(data, 'utf8') : data;
  const fd = openSync(tmp, 'w');
  try {
    let off = 0;
    while (off < bytes.length) off += writeSync(fd, bytes, off, bytes.length - off);
    // Data on disk before the rename makes it visible; otherwise a crash can leave an empty file.
    fsyncSync(fd);
  } catch (err) {
    closeSync(fd);
    rmSync(tmp, { force: true });
    throw err;
  }
  closeSync(fd);
  renameSync(tmp, path);
}

/** True for the temporaries writeFileAtomic leaves behind when killed between write and rename. */
export function isAtomicTemp(fileName: string): boolean {
  return /^\..+\.tmp-\d+-\d+$/.test(fileName);
}
