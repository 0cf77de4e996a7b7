import { PassThrough } from 'node:stream';
import { describe, expect, it } from 'vitest';
import type { RunEvent } from '../run/events.ts';
import { createProgressView, viewMode } from './progress-view.ts';

function stream(tty: boolean) {
  const s = new PassThrough() as PassThrough & { isTTY?: boolean; columns?: number };
  s.isTTY = tty;
  s.columns = 160;
  let text = '';
  s.on('data', (d) => (text += d));
  return { s: s as unknown as NodeJS.WriteStream, text: () => text };
}

const events: RunEvent[] = [
  { type: 'run-start', run: 'runs/x', members: 3, planned: [0, 1, 2], resumed: false, workers: 2, devices: null },
  { type: 'progress', member: 0, iteration: 0, misfit: 9, regulariser: 0 },
  { type: 'progress', member: 1, iteration: 0, misfit: 4, regulariser: 0 },
  { type: 'member-done', member: 1, misfit: 2, attempts: 1, wallMs: 5, worker: 'w' },
  { type: 'member-retry', member: 2, attempt: 1, error: 'worker exited with code: 70' },
  { type: 'progress', member: 0, iteration: 4, misfit: 3, regulariser: 0 },
  { type: 'member-failed', member: 2, attempts: 3, error: 'worker exited with code: 70' },
  { type: 'member-done', member: 0, misfit: 1.5, attempts: 1, wallMs: 5, worker: 'w' },
  { type: 'run-end', status: 'complete', done: 2, failed: 1, wallMs: 1234 },
];

describe('progress view', () => {
  it('picks json, tty or plain from the flag and the stream', () => {
    expect(viewMode(true, stream(true).s)).toBe('json');
    expect(viewMode(false, stream(true).s)).toBe('tty');
    expect(viewMode(false, stream(false).s)).toBe('plain');
  });

  it('plain: milestone lines only, nothing animated', () => {
    const { s, text } = stream(false);
    const v = createProgressView('plain', 5, s);
    events.forEach(v.listener);
    expect(text()).toBe([
      'running 3 of 3 members on 2 workers -> runs/x',
      'member 1 done: chi2/M 2 (1/3)',
      'member 2 failed on attempt 1: worker exited with code: 70; retrying',
      'member 2 failed after 3 attempts: worker exited with code: 70',
      'member 0 done: chi2/M 1.5 (3/3)',
      'run complete: 2 done, 1 failed, 1.2 s',
      '',
    ].join('\n'));
    expect(text()).not.toMatch(/\r|\x1b\[/);
  });

  it('json: one parseable event per line', () => {
    const { s, text } = stream(false);
    const v = createProgressView('json', 5, s);
    events.forEach(v.listener);
    expect(text().trim().split('\n').map((l) => JSON.parse(l))).toEqual(events);
  });

  it('tty: a bar with the member count, best and median misfit', () => {
    const { s, text } = stream(true);
    const v = createProgressView('tty', 5, s);
    events.forEach(v.listener);
    const out = text();
    // Final state: 3/3 members finished (one failed), best 1.5, median of {1.5, 2} = 1.75.
    expect(out).toContain('3/3 members');
    expect(out).toContain('best chi2/M 1.5 | median 1.75 | 1 failed');
    expect(out).toContain('member 2 failed after 3 attempts');
    expect(out.trimEnd().endsWith('run complete: 2 done, 1 failed, 1.2 s')).toBe(true);
  });
});
