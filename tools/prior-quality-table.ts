// Writes the shipped priors' quality and training figures (from their manifests) into the
// table of libs/prior/README.md. Run by tools/train-priors.sh.
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { ASSETS_DIR, readManifest, type PriorManifest } from '@ldinv/prior';
import { writeFileAtomic } from '@ldinv/tensor';

const README = fileURLToPath(new URL('../libs/prior/README.md', import.meta.url));
const START = '<!-- quality-table -->';
const END = '<!-- /quality-table -->';

function row(m: PriorManifest): string {
  const q = m.quality as Record<string, unknown> & { samples?: Record<string, unknown>; training?: Record<string, unknown>; checks?: Record<string, boolean> };
  const s = q.samples ?? {};
  const t = q.training ?? {};
  const minutes = (sec: unknown) => (typeof sec === 'number' ? (sec / 60).toFixed(0) : '–');
  const fmt = (v: unknown) => (typeof v === 'number' ? String(Number(v.toPrecision(3))) : '–');
  const corr = (x: Record<string, unknown>) => Object.values((x.correlation as Record<string, number>) ?? {}).map(fmt).join('/');
  const twoPhase = m.fieldKind === 'bimaterial';
  const recon = twoPhase ? `misclassified ${fmt(q.reconstructionMisclassified)}` : `rel. L2 ${fmt(q.reconstructionRelL2)}`;
  const stats = twoPhase
    ? `near a phase ${fmt(s.nearPhase)}, volume fraction ${fmt(s.volumeFraction)} (${fmt(t.volumeFraction)})`
    : `mean ${fmt(s.mean)} (${fmt(t.mean)}), var ${fmt(s.variance)} (${fmt(t.variance)}), corr 1/2/4/8 ${corr(s)} (${corr(t)})`;
  const failed = Object.entries(q.checks ?? {}).filter(([, ok]) => !ok).map(([k]) => k);
  const verdict = q.checks ? (failed.length === 0 ? 'all met' : `not met: ${failed.join(', ')}`) : '–';
  const tr = m.training;
  return `| ${m.name} | [${m.latentShape}] | ${recon} | ${stats} | ${verdict} | ${minutes(tr.vae?.seconds)} + ${minutes(tr.diffusion?.seconds)} min (${tr.vae?.backend ?? '–'}) |`;
}

const rows = ['gaussian-64', 'bimaterial-64'].map((name) => row(readManifest(`${ASSETS_DIR}${name}`)));
const table = [
  START,
  'Held-out reconstruction on 500 fields; statistics of 500 DDIM samples (50 steps), training set in brackets.',
  '',
  '| prior | latent | VAE reconstruction | samples | issue targets | training (VAE + diffusion) |',
  '|---|---|---|---|---|---|',
  ...rows,
  END,
].join('\n');
const text = readFileSync(README, 'utf8');
const a = text.indexOf(START);
const b = text.indexOf(END);
if (a < 0 || b < a) throw new Error(`${README}: markers ${START} ... ${END} are missing`);
writeFileAtomic(README, text.slice(0, a) + table + text.slice(b + END.length));
console.log(`updated ${README}`);
