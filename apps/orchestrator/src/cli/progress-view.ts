// The terminal observer of a run: an overall bar with ETA and the best/median misfit on a TTY,
// one JSON event per line with --json, and plain milestone lines (nothing animated) otherwise.
import cliProgress from 'cli-progress';
import type { RunEvent, RunListener } from '../run/events.ts';

export type ViewMode = 'tty' | 'json' | 'plain';

export interface ProgressView {
  listener: RunListener;
  /** Prints a line without breaking the bar. */
  log(line: string): void;
  stop(): void;
}

export function viewMode(json: boolean, stream: NodeJS.WriteStream = process.stdout): ViewMode {
  return json ? 'json' : stream.isTTY ? 'tty' : 'plain';
}

const num = (v: number) => (Number.isFinite(v) ? Number(v.toPrecision(3)).toString() : '–');

function median(values: number[]): number {
  if (values.length === 0) return Number.NaN;
  const s = [...values].sort((a, b) => a - b);
  const h = (s.length - 1) / 2;
  return (s[Math.floor(h)] + s[Math.ceil(h)]) / 2;
}

/** Progress state shared by the views: latest misfit per member and work done in iterations. */
class Tally {
  planned = 0;
  iters = 1;
  finished = 0;
  failed = 0;
  readonly misfit = new Map<number, number>();
  readonly iteration = new Map<number, number>();

  units(): number {
    let u = 0;
    for (const it of this.iteration.values()) u += Math.min(this.iters, it);
    return u;
  }

  best(): number {
    return Math.min(...this.misfit.values());
  }

  median(): number {
    return median([...this.misfit.values()]);
  }
}

export function createProgressView(mode: ViewMode, iters: number, out: NodeJS.WriteStream = process.stdout): ProgressView {
  if (mode === 'json') {
    return { listener: (e) => out.write(`${JSON.stringify(e)}\n`), log: (l) => out.write(`${JSON.stringify({ type: 'log', message: l })}\n`), stop() {} };
  }
  const t = new Tally();
  t.iters = iters;
  const line = (e: RunEvent): string | null => {
    switch (e.type) {
      case 'run-start':
        return `${e.resumed ? 'resuming' : 'running'} ${e.planned.length} of ${e.members} members${e.shard ? ` (shard ${e.shard})` : ''} on ${
          e.queue ? `queue ${e.queue}` : `${e.devices ? `${e.devices.length} device processes x ` : ''}${e.workers} workers`} -> ${e.run}`;
      case 'worker-ready':
        return mode === 'plain' ? `worker ${e.worker} running on ${e.backend}` : null;
      case 'member-done':
        return mode === 'plain' ? `member ${e.member} done: chi2/M ${num(e.misfit)} (${t.finished}/${t.planned})` : null;
      case 'member-retry':
        return `member ${e.member} failed on attempt ${e.attempt}: ${e.error}; retrying`;
      case 'member-failed':
        return `member ${e.member} failed after ${e.attempts} attempts: ${e.error}`;
      case 'run-end':
        return `run ${e.status}: ${e.done} done, ${e.failed} failed, ${(e.wallMs / 1000).toFixed(1)} s${e.reason ? ` (${e.reason})` : ''}`;
      default:
        return null;
    }
  };
  const track = (e: RunEvent) => {
    if (e.type === 'run-start') t.planned = e.planned.length;
    if (e.type === 'progress') {
      t.iteration.set(e.member, e.iteration + 1);
      t.misfit.set(e.member, e.misfit);
    }
    if (e.type === 'member-done') {
      t.finished++;
      t.iteration.set(e.member, t.iters);
      t.misfit.set(e.member, e.misfit);
    }
    if (e.type === 'member-failed') {
      t.finished++;
      t.failed++;
      t.iteration.set(e.member, t.iters);
      t.misfit.delete(e.member);
    }
    if (e.type === 'member-retry') t.iteration.set(e.member, 0);
  };
  if (mode === 'plain') {
    return {
      listener: (e) => {
        track(e);
        const l = line(e);
        if (l) out.write(`${l}\n`);
      },
      log: (l) => out.write(`${l}\n`),
      stop() {},
    };
  }
  const multi = new cliProgress.MultiBar(
    {
      stream: out,
      format: '{bar} {percentage}% | {finished}/{planned} members | ETA {etaText} | best chi2/M {best} | median {median}{failedText}',
      hideCursor: true,
      clearOnComplete: false,
      etaBuffer: 50,
    },
    cliProgress.Presets.shades_classic,
  );
  let bar: cliProgress.SingleBar | null = null;
  const started = Date.now();
  // ETA from the share of iterations done so far (work, not members: members finish in bursts).
  const eta = () => {
    const f = t.units() / Math.max(1, t.planned * t.iters);
    if (f <= 0) return '–';
    const s = Math.round(((Date.now() - started) / 1000) * ((1 - f) / f));
    return s >= 60 ? `${Math.floor(s / 60)}m${String(s % 60).padStart(2, '0')}s` : `${s}s`;
  };
  const payload = () => ({
    finished: t.finished, planned: t.planned, etaText: eta(), best: num(t.best()), median: num(t.median()),
    failedText: t.failed ? ` | ${t.failed} failed` : '',
  });
  const say = (l: string) => {
    if (!bar) return void out.write(`${l}\n`);
    // log() only queues; update() draws the queued lines above the bar now.
    multi.log(`${l}\n`);
    multi.update();
  };
  return {
    listener: (e) => {
      track(e);
      const l = line(e);
      if (e.type === 'run-end' && bar) {
        bar.update(t.units(), payload());
        multi.stop();
        bar = null;
      }
      if (l) say(l);
      if (e.type === 'run-start') bar = multi.create(Math.max(1, t.planned * t.iters), 0, payload());
      else if (bar) bar.update(t.units(), payload());
    },
    log: say,
    stop: () => multi.stop(),
  };
}
