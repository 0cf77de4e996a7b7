// The run directory as an object: creation with an up-front writability check, member records written
// atomically as they finish, the journal, and run.json.
import { accessSync, constants, existsSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { isAtomicTemp, writeFileAtomic } from './atomic-write.ts';
import { appendJournal } from './journal.ts';
import { memberFileName, memberIndexOf, runPaths, type RunPaths } from './layout.ts';
import { decodeMemberRecord, encodeMemberRecord, type MemberRecord } from './member-record.ts';
import { readRunManifest, writeRunManifest, type RunManifest } from './run-manifest.ts';

/** Creates `dir` (and parents) and proves it writable; throws one line naming the directory. */
export function ensureWritableDir(dir: string): void {
  try {
    mkdirSync(dir, { recursive: true });
  } catch (err) {
    throw new Error(`${dir}: cannot create output directory (${(err as NodeJS.ErrnoException).code ?? err})`);
  }
  if (!statSync(dir).isDirectory()) throw new Error(`${dir}: output path is not a directory`);
  // access() answers for the mode bits; a probe write also catches read-only mounts and full disks.
  const probe = join(dir, `.ldinv-write-probe-${process.pid}`);
  try {
    accessSync(dir, constants.W_OK);
    writeFileAtomic(probe, 'ok');
    rmSync(probe, { force: true });
  } catch (err) {
    throw new Error(`${dir}: output directory is not writable (${(err as NodeJS.ErrnoException).code ?? err})`);
  }
}

export class RunStore {
  readonly paths: RunPaths;

  private constructor(dir: string) {
    this.paths = runPaths(dir);
  }

  /** A new run: the directory must not hold one already. */
  static create(dir: string, manifest: RunManifest): RunStore {
    ensureWritableDir(dir);
    const store = new RunStore(dir);
    if (existsSync(store.paths.runJson)) {
      throw new Error(`${dir}: already holds a run (run.json); use --resume or another --out`);
    }
    mkdirSync(store.paths.members, { recursive: true });
    store.writeManifest(manifest);
    return store;
  }

  /** An existing run (resume, aggregate). `writable` checks the directory can take new files. */
  static open(dir: string, { writable }: { writable: boolean }): RunStore {
    const store = new RunStore(dir);
    readRunManifest(store.paths.runJson);
    if (writable) {
      ensureWritableDir(dir);
      mkdirSync(store.paths.members, { recursive: true });
    }
    return store;
  }

  readManifest(): RunManifest {
    return readRunManifest(this.paths.runJson);
  }

  writeManifest(manifest: RunManifest): void {
    writeRunManifest(this.paths.runJson, manifest);
  }

  journal(event: object): void {
    appendJournal(this.paths.journal, event);
  }

  writeMember(record: MemberRecord): void {
    writeFileAtomic(join(this.paths.members, memberFileName(record.index)), encodeMemberRecord(record));
  }

  readMember(index: number): MemberRecord {
    const path = join(this.paths.members, memberFileName(index));
    return decodeMemberRecord(readFileSync(path), path);
  }

  /** Indices of the member files present, ascending. */
  memberIndices(): number[] {
    if (!existsSync(this.paths.members)) return [];
    const out: number[] = [];
    for (const name of readdirSync(this.paths.members)) {
      const index = memberIndexOf(name);
      if (index !== undefined) out.push(index);
    }
    return out.sort((a, b) => a - b);
  }

  /** Removes the temporaries of writes that a killed run left unfinished (called on resume). */
  clearTemporaries(): number {
    if (!existsSync(this.paths.members)) return 0;
    const stale = readdirSync(this.paths.members).filter(isAtomicTemp);
    for (const name of stale) rmSync(join(this.paths.members, name), { force: true });
    return stale.length;
  }

  /** Status of every member on disk, without decoding the arrays' meaning. */
  memberStatuses(): Map<number, MemberRecord['status']> {
    const out = new Map<number, MemberRecord['status']>();
    for (const i of this.memberIndices()) out.set(i, this.readMember(i).status);
    return out;
  }

  readAllMembers(): MemberRecord[] {
    return this.memberIndices().map((i) => this.readMember(i));
  }
}
