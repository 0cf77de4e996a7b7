// Atomic file replacement, the one implementation every lib and the app write through: readers (and a
// resume after `kill -9`) see either the old file or the complete new one, never a torn write. POSIX rename(2) within one directory is atomic, on NFS too.
// Temporaries carry host and pid, so processes on several hosts sharing a run directory (Slurm array
// shards) never write the same temporary.
import { closeSync, fsyncSync, linkSync, openSync, renameSync, rmSync, writeSync } from 'node:fs';
import { hostname } from 'node:os';
import { basename, dirname, join } from 'node:path';

let counter = 0;
const HOST = hostname().replace(/[^A-Za-z0-9]/g, '_');

/** A name no other process, here or on another host, uses at the same time. */
export function uniqueSuffix(): string {
  return `${HOST}-${process.pid}-${counter++}`;
}

function writeTemp(path: string, data: Uint8Array | string): string {
  const tmp = join(dirname(path), `.${basename(path)}.tmp-${uniqueSuffix()}`);
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
  return tmp;
}

export function writeFileAtomic(path: string, data: Uint8Array | string): void {
  renameSync(writeTemp(path, data), path);
}

/**
 * Creates `path` with this content unless it exists (then leaves it alone): link(2) of a complete
 * temporary fails with EEXIST instead of replacing, and is atomic on NFS, where O_EXCL is not
 * guaranteed. Returns whether this call created it. A lost NFS reply can report EEXIST for a link
 * that succeeded, so callers compare the file they read back rather than trust the flag alone.
 */
export function createFileAtomic(path: string, data: Uint8Array | string): boolean {
  const tmp = writeTemp(path, data);
  try {
    linkSync(tmp, path);
    return true;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'EEXIST') return false;
    throw err;
  } finally {
    rmSync(tmp, { force: true });
  }
}

/** True for the temporaries writeFileAtomic leaves behind when killed between write and rename. */
export function isAtomicTemp(fileName: string): boolean {
  return /^\..+\.tmp-(?:\w+-)?\d+-\d+$/.test(fileName);
}

/** The file a temporary was going to become (`.m00003.msgpack.tmp-h-1-2` -> `m00003.msgpack`). */
export function atomicTarget(fileName: string): string | undefined {
  return /^\.(.+)\.tmp-(?:\w+-)?\d+-\d+$/.exec(fileName)?.[1];
}
