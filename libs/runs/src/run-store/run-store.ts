// The run directory as an object: creation with an up-front writability check, member records written
// atomically as they finish, the journal, and run.json. Several processes may share one directory
// (Slurm array shards, possibly on several hosts over NFS): each member is its own file, written by
// rename; run.json is created once (link) and never rewritten by a shard; each shard has its own journal.
import { accessSync, constants, existsSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { atomicTarget, createFileAtomic, isAtomicTemp, uniqueSuffix, writeFileAtomic } from '@ldinv/tensor';
import type { Shard } from './shard.ts';
import { appendJournal } from './journal.ts';
import { memberFileName, memberIndexOf, runPaths, shardJournalName, shardOfJournal, type RunPaths } from './layout.ts';
import { decodeMemberRecord, encodeMemberRecord, type MemberRecord } from './member-record.ts';
import { formatRunManifest, readRunManifest, writeRunManifest, type RunManifest } from './run-manifest.ts';

/** Creates `dir` (and parents) and proves it writable; throws one line naming the directory. */
export function ensureWritableDir(dir: string): void {
  try {
    mkdirSync(dir, { recursive: true });
  } catch (err) {
    throw new Error(`${dir}: cannot create output directory (${(err as NodeJS.ErrnoException).code ?? err})`);
  }
  if (!statSync(dir).isDirectory()) throw new Error(`${dir}: output path is not a directory`);
  // access() answers for the mode bits; a probe write also catches read-only mounts and full disks.
  const probe = join(dir, `.ldinv-write-probe-${uniqueSuffix()}`);
  try {
    accessSync(dir, constants.W_OK);
    writeFileAtomic(probe, 'ok');
    rmSync(probe, { force: true });
  } catch (err) {
    throw new Error(`${dir}: output directory is not writable (${(err as NodeJS.ErrnoException).code ?? err})`);
  }
}

export interface OpenOptions {
  /** Checks the directory can take new files. */
  writable: boolean;
  /** A shard journals to its own file (journal.shard-I-of-N.ndjson), never to journal.ndjson. */
  shard?: Shard | null;
}

export class RunStore {
  readonly paths: RunPaths;
  /** Where this process appends its events. */
  readonly journalPath: string;

  private constructor(dir: string, shard: Shard | null = null) {
    this.paths = runPaths(dir);
    this.journalPath = shard ? join(dir, shardJournalName(shard.index, shard.count)) : this.paths.journal;
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

  /**
   * Creates run.json with `manifest` unless another process (a shard) created it first; either way
   * the caller then reads run.json back and checks it describes the same run.
   */
  static createOrJoin(dir: string, manifest: RunManifest): { created: boolean } {
    ensureWritableDir(dir);
    const paths = runPaths(dir);
    mkdirSync(paths.members, { recursive: true });
    return { created: createFileAtomic(paths.runJson, formatRunManifest(manifest)) };
  }

  /** An existing run (resume, aggregate, a shard). */
  static open(dir: string, { writable, shard = null }: OpenOptions): RunStore {
    const store = new RunStore(dir, shard);
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
    appendJournal(this.journalPath, event);
  }

  /** Paths of the shards' journals present, by shard index. */
  shardJournals(): string[] {
    return readdirSync(this.paths.dir)
      .map((name) => ({ name, shard: shardOfJournal(name) }))
      .filter((j) => j.shard !== undefined)
      .sort((a, b) => a.shard!.count - b.shard!.count || a.shard!.index - b.shard!.index)
      .map((j) => join(this.paths.dir, j.name));
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

  /**
   * Removes the temporaries of member writes that a killed run left unfinished (called on resume).
   * `owns` limits it to this process's members: a shard must not delete another shard's write in flight.
   */
  clearTemporaries(owns: (member: number) => boolean = () => true): number {
    if (!existsSync(this.paths.members)) return 0;
    const stale = readdirSync(this.paths.members).filter((name) => {
      const target = isAtomicTemp(name) ? atomicTarget(name) : undefined;
      const index = target === undefined ? undefined : memberIndexOf(target);
      return index !== undefined && owns(index);
    });
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
