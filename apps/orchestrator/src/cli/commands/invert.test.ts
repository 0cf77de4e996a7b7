// `ldinv invert` refuses bad invocations with one line before any worker starts (nothing is written).
import { cpSync, existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { writeTestCase } from '../../testing/test-case.fixture.ts';
import { main } from '../main.ts';
import { prepareFromOptions } from './invert.ts';

const caseDir = writeTestCase();
const root = mkdtempSync(join(tmpdir(), 'ldinv-cli-'));

async function ldinv(...args: string[]): Promise<{ code: number; stderr: string }> {
  let stderr = '';
  const spy = vi.spyOn(process.stderr, 'write').mockImplementation((s) => ((stderr += String(s)), true));
  try {
    const code = await main(['node', 'ldinv', ...args]);
    return { code, stderr };
  } finally {
    spy.mockRestore();
  }
}

const invert = (out: string, ...extra: string[]) => ldinv('invert', '--case', caseDir, '--method', 'pixel', '--mode', 'rml', '--out', out, ...extra);

afterEach(() => vi.restoreAllMocks());

describe('ldinv invert: errors before any worker starts', () => {
  it('an output directory that cannot be created', async () => {
    const file = join(root, 'plain-file');
    writeFileSync(file, '');
    expect(await invert(join(file, 'run'))).toEqual({ code: 1, stderr: `ldinv: ${join(file, 'run')}: cannot create output directory (ENOTDIR)\n` });
  });

  it('a missing prior', async () => {
    const out = join(root, 'no-prior');
    const r = await invert(out, '--prior', 'no-such-prior');
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/^ldinv: prior no-such-prior: no manifest\.json there, and no shipped prior of that name in .*\n$/);
    expect(existsSync(out)).toBe(false);
  });

  it('a case that fails validation names the file, line and field', async () => {
    const bad = join(root, 'bad-case');
    cpSync(caseDir, bad, { recursive: true });
    const lines = readFileSync(join(bad, 'obs.csv'), 'utf8').split('\n');
    const cols = lines[2].split(',');
    cols[3] = '-0.01';
    lines[2] = cols.join(',');
    writeFileSync(join(bad, 'obs.csv'), lines.join('\n'));
    const out = join(root, 'bad-case-run');
    const r = await ldinv('invert', '--case', bad, '--method', 'pixel', '--mode', 'rml', '--out', out);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(new RegExp(`^ldinv: ${join(bad, 'obs.csv')} line 3: sigma must be > 0.*-0\\.01\\n$`));
    expect(existsSync(out)).toBe(false);
  });

  it('a missing case, an unknown method, bad numbers, and a run that already exists', async () => {
    expect((await ldinv('invert', '--case', join(root, 'nope'), '--out', join(root, 'x'))).stderr).toBe(`ldinv: ${join(root, 'nope')}: case directory not found\n`);
    expect((await invert(join(root, 'y'), '--method', 'magic')).stderr).toBe("ldinv: --method must be one of ldim, pixel, vae, pinn, got 'magic'\n");
    expect((await invert(join(root, 'z'), '--members', '0')).stderr).toBe('ldinv: --members must be an integer >= 1, got "0"\n');
    expect((await invert(join(root, 'w'), '--devices', '0,0')).stderr).toBe("ldinv: --devices must be 'cpu' or distinct GPU ids like 0,1, got '0,0'\n");
    expect((await ldinv('invert', '--case', caseDir)).stderr).toBe('ldinv: --out <dir> is required (the run directory to create)\n');
    expect((await ldinv('invert', '--resume')).stderr).toBe('ldinv: --resume needs the run directory: --resume runs/NAME (or --out runs/NAME --resume)\n');
    expect((await ldinv('invert', '--resume', join(root, 'never-ran'))).stderr).toBe(`ldinv: ${join(root, 'never-ran', 'run.json')}: no run here (run.json missing)\n`);
    for (const name of ['x', 'y', 'z', 'w']) expect(existsSync(join(root, name))).toBe(false);
  });

  it('pixel multistart, whose members would all be the same field; one member is a plain inversion', async () => {
    const out = join(root, 'pixel-multistart');
    expect(await invert(out, '--mode', 'multistart', '--members', '3')).toEqual({
      code: 1,
      stderr: 'ldinv: --method pixel --mode multistart: every member starts from the same field, so the 3 members would be identical (zero spread); use --mode rml\n',
    });
    expect(existsSync(out)).toBe(false);
    const single = prepareFromOptions({ case: caseDir, method: 'pixel', mode: 'multistart', members: '1', out: join(root, 'pixel-single') });
    expect(single.manifest.config).toMatchObject({ method: 'pixel', mode: 'multistart', members: 1 });
    // Methods that draw their start from the member's seed may run multistart.
    expect(prepareFromOptions({ case: caseDir, method: 'pinn', mode: 'multistart', members: '3', out: join(root, 'pinn-multistart') }).manifest.config.members).toBe(3);
  });

  it('a bad fault-injection switch', async () => {
    vi.stubEnv('LDINV_FAULT_INJECT', 'boom');
    expect((await invert(join(root, 'f'))).stderr).toBe("ldinv: LDINV_FAULT_INJECT: rule 'boom' must start with crash, throw or delay\n");
    vi.unstubAllEnvs();
  });
});
