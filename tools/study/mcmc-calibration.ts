// Calibration of ldim's uncertainty (issue 19): on the calibration cases of the standard setting (seeds
// never used for tuning), mcmc chains against rml and multistart ensembles of ldim+refine, the same
// members and run seed per case. Reports what a calibrated posterior must show: 90 % coverage and
// spread/skill of ln K, the Brier skill and reliability of P(ln K > threshold) for bimaterial fields,
// the ensemble-mean error, R̂/ESS of the chains, and the cost (member-iterations, core-seconds and,
// for mcmc, core-seconds per effective sample). On gaussian cases also the exact-prior reference
// (gaussian-reference.ts: the MAP and rml draws under the Gaussian prior that drew the truth).
// Resumable: cases and runs under runs/mcmc-calibration. Writes docs/results/mcmc-calibration.md.
// Run: npx tsx tools/study/mcmc-calibration.ts [--cases 10] [--fields gaussian,bimaterial] [--members 8]
import { mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import type { RunSummary } from '@ldinv/runs';
import { writeFileAtomic } from '@ldinv/tensor';
import { caseSeeds, ensureCase, FIELD_KINDS, SETTINGS, studyRunSeed, type StudyField } from './study-cases.ts';
import { gaussianReference } from './gaussian-reference.ts';
import { runStudy, type StudyCell } from './study-runner.ts';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const RUNS = join(ROOT, 'runs/mcmc-calibration');
/** Descent iterations before the refine stage (rml, multistart). */
const ITERS = 200;
/** mcmc: chains (Stan's default number), descent iterations before each chain's Laplace reference,
 *  and chain steps: fewer than the ensembles' members and the defaults' steps (--burn-in 100, --steps
 *  300, --thin 6) so that 20 cases fit a session on 2 cores (about 3 minutes a case, two chains
 *  batched per worker). At the defaults one case (s1301) measured R̂ median 2.13, ESS median 5.9. */
const MCMC_CHAINS = 4;
const MCMC_ITERS = 50;
const MCMC_CHAIN_ARGS = ['--burn-in', '50', '--steps', '150', '--thin', '3'];
/** L-BFGS iteration cap of the exact-prior reference (as the reference stage of npm run reproduce). */
const REFERENCE_ITERATIONS = 1000;

export const CALIBRATION_METHODS = [
  { name: 'mcmc', mode: 'mcmc', args: ['--batch', '2', ...MCMC_CHAIN_ARGS] },
  { name: 'ldim+refine rml', mode: 'rml', args: ['--refine', '100'] },
  { name: 'ldim+refine multistart', mode: 'multistart', args: ['--refine', '100'] },
] as const;
const runShape = (mode: string, members: number) => (mode === 'mcmc' ? { members: MCMC_CHAINS, iters: MCMC_ITERS } : { members, iters: ITERS });

interface CalibrationFigures {
  error: number | null;
  coverageT: number | null;
  coverageEmpirical: number | null;
  spreadSkill: number | null;
  brierSkill: number | null;
  reliabilityGap: number | null;
  rHatShare110: number | null;
  rHatMedian: number | null;
  essMedian: number | null;
  memberIterations: number;
  coreSeconds: number;
}

function figuresOf(s: RunSummary): CalibrationFigures {
  const rows = s.memberTable.filter((r) => r.status !== 'failed');
  const chains = s.chains;
  return {
    error: s.ensemble?.mean.relL2LogK ?? null,
    coverageT: s.ensemble?.coverage90LogK?.t ?? null,
    coverageEmpirical: s.ensemble?.coverage90LogK?.empirical ?? null,
    spreadSkill: s.ensemble?.spreadSkillLogK?.ratio ?? null,
    brierSkill: s.robustness?.brierSkill ?? null,
    reliabilityGap: s.robustness?.reliability?.maxGap ?? null,
    rHatShare110: chains?.logK?.shareAbove110 ?? null,
    rHatMedian: chains?.logK?.rHatMedian ?? null,
    essMedian: chains?.logK?.essMedian ?? null,
    memberIterations: rows.reduce((n, r) => n + (r.iterations ?? 0), 0),
    // The run processes' CPU time (members of a batch share their task's wall time, so summing members' would overcount).
    coreSeconds: s.sessions.reduce((t, x) => t + (x.cpuMs ?? 0), 0) / 1000,
  };
}

export interface CalibrationOptions {
  cases: number;
  fields: readonly StudyField[];
  members: number;
  log?: (line: string) => void;
}

/** Runs (or resumes) the calibration runs and writes docs/results/mcmc-calibration.md; returns its text. */
export async function mcmcCalibration(o: CalibrationOptions): Promise<string> {
  mkdirSync(RUNS, { recursive: true });
  const cells: (StudyCell & { field: StudyField })[] = [];
  for (const field of o.fields) {
    for (const seed of caseSeeds('calibration', field, o.cases)) {
      const caseDir = ensureCase(join(RUNS, 'cases'), field, SETTINGS.standard, seed);
      for (const m of CALIBRATION_METHODS) {
        cells.push({
          id: `${field}-s${seed}-${m.mode}`, caseDir, method: 'ldim', mode: m.mode, ...runShape(m.mode, o.members), seed: studyRunSeed(seed),
          args: [...m.args], field,
        });
      }
    }
  }
  await runStudy(cells.map(({ field: _f, ...c }) => c), { runsRoot: RUNS, log: o.log });
  // The whole summary.json (the study runner's type covers only what the comparison tables read).
  const summaries = cells.map((c) => JSON.parse(readFileSync(join(RUNS, c.id, 'summary.json'), 'utf8')) as RunSummary);
  const f = (v: number | null, digits = 3) => (v === null || !Number.isFinite(v) ? '–' : v.toFixed(digits));
  const mean = (values: (number | null)[]) => {
    const kept = values.filter((v): v is number => v !== null && Number.isFinite(v));
    return kept.length ? kept.reduce((a, b) => a + b, 0) / kept.length : null;
  };
  const lines = [
    '<!-- written by tools/study/mcmc-calibration.ts (npm run reproduce -- --stages mcmc) -->',
    '# Calibration of the uncertainty: mcmc against rml and multistart',
    '',
    `Calibration cases of the standard setting (49 sensors, 1 % noise, 1 test; seeds never used for tuning), each case one run seed for all.`,
    `mcmc: ${MCMC_CHAINS} chains, each ${MCMC_ITERS} descent iterations (--param noise), then ${MCMC_CHAIN_ARGS.join(' ')} (50 samples per chain);`,
    `rml and multistart: ${o.members} members, ${ITERS} latent + 100 refine iterations. Exact-prior (gaussian only): the MAP and ${o.members} rml draws`,
    `under the Gaussian prior that drew the truth (L-BFGS, ${REFERENCE_ITERATIONS} iterations at most). Means over cases; "–" where a figure does not apply.`,
    'Cost: member-iterations and CPU seconds of the run processes per run; for mcmc also CPU seconds per effective sample (median bulk ESS of the cells).',
    '',
    '| field | method | cases | ensemble-mean error | 90 % coverage (t / empirical) | spread/skill | Brier skill | reliability gap | cells R̂ > 1.1 | R̂ median | ESS median | member-iterations | CPU s | CPU s per eff. sample |',
    '|---|---|---|---|---|---|---|---|---|---|---|---|---|---|',
  ];
  const targets: string[] = [];
  for (const field of FIELD_KINDS.filter((k) => o.fields.includes(k))) {
    for (const m of CALIBRATION_METHODS) {
      const picked = cells.map((c, k) => ({ c, s: summaries[k] })).filter(({ c }) => c.field === field && c.mode === m.mode).map(({ s }) => figuresOf(s));
      const g = (key: keyof CalibrationFigures) => mean(picked.map((p) => p[key]));
      const perEss = m.mode === 'mcmc' ? mean(picked.map((p) => (p.essMedian ? p.coreSeconds / p.essMedian : null))) : null;
      lines.push(`| ${field} | ${m.name} | ${picked.length} | ${f(g('error'))} | ${f(g('coverageT'), 2)} / ${f(g('coverageEmpirical'), 2)} | ${f(g('spreadSkill'), 2)} | ${f(g('brierSkill'))} | ${f(g('reliabilityGap'))} | ${f(g('rHatShare110'), 2)} | ${f(g('rHatMedian'), 2)} | ${f(g('essMedian'), 1)} | ${f(g('memberIterations'), 0)} | ${f(g('coreSeconds'), 0)} | ${f(perEss, 2)} |`);
      if (m.mode !== 'mcmc') continue;
      const coverage = g('coverageT');
      if (field === 'gaussian') targets.push(`gaussian mcmc 90 % coverage within 0.85–0.95: ${coverage !== null && coverage >= 0.85 && coverage <= 0.95 ? 'held' : 'not held'} (${f(coverage, 2)})`);
      if (field === 'bimaterial') {
        const gaps = picked.map((p) => p.reliabilityGap);
        const brier = g('brierSkill');
        targets.push(`bimaterial mcmc reliability within ±0.1 on every case: ${gaps.every((x) => x !== null && x <= 0.1) ? 'held' : 'not held'} (gaps ${gaps.map((x) => f(x, 2)).join(', ')})`);
        targets.push(`bimaterial mcmc positive Brier skill: ${brier !== null && brier > 0 ? 'held' : 'not held'} (${f(brier)})`);
      }
      targets.push(`${field} mcmc R̂ ≤ 1.1 on ≥ 95 % of cells (at the settings above, not the defaults): ${picked.every((p) => p.rHatShare110 !== null && p.rHatShare110 <= 0.05) ? 'held' : 'not held'} (share above 1.1 per case: ${picked.map((p) => f(p.rHatShare110, 2)).join(', ')})`);
    }
    if (field !== 'gaussian') continue;
    const references = caseSeeds('calibration', field, o.cases).map((seed) => {
      const caseDir = ensureCase(join(RUNS, 'cases'), field, SETTINGS.standard, seed);
      const id = `gaussian-standard-s${seed}-reference`;
      return gaussianReference(caseDir, studyRunSeed(seed), { members: o.members, maxIterations: REFERENCE_ITERATIONS }, join(RUNS, 'reference'), id);
    });
    const mapError = mean(references.map((r) => r.mapRelL2));
    const rml = references.map((r) => r.summary.ensemble);
    lines.push(`| gaussian | exact-prior MAP | ${references.length} | ${f(mapError)} | – | – | – | – | – | – | – | – | – | – |`);
    lines.push(`| gaussian | exact-prior rml | ${references.length} | ${f(mean(rml.map((e) => e?.mean.relL2LogK ?? null)))} | ${f(mean(rml.map((e) => e?.coverage90LogK?.t ?? null)), 2)} / ${f(mean(rml.map((e) => e?.coverage90LogK?.empirical ?? null)), 2)} | ${f(mean(rml.map((e) => e?.spreadSkillLogK?.ratio ?? null)), 2)} | – | – | – | – | – | – | – | – |`);
    const mcmcError = mean(cells.map((c, k) => ({ c, s: summaries[k] })).filter(({ c }) => c.field === 'gaussian' && c.mode === 'mcmc').map(({ s }) => figuresOf(s).error));
    const ratio = mcmcError !== null && mapError !== null ? mcmcError / mapError : null;
    targets.push(`gaussian mcmc mean's error within 5 % of the exact-prior posterior mean's (its MAP): ${ratio !== null && ratio <= 1.05 ? 'held' : 'not held'} (${f(mcmcError)} vs ${f(mapError)}, ratio ${f(ratio, 2)})`);
  }
  lines.push('', 'Targets of issue 19:', '', ...targets.map((t) => `- ${t}`), '');
  const text = lines.join('\n');
  mkdirSync(join(ROOT, 'docs/results'), { recursive: true });
  writeFileAtomic(join(ROOT, 'docs/results/mcmc-calibration.md'), text);
  return text;
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const { values } = parseArgs({ options: { cases: { type: 'string', default: '10' }, fields: { type: 'string', default: FIELD_KINDS.join(',') }, members: { type: 'string', default: '8' } } });
  const fields = values.fields!.split(',') as StudyField[];
  for (const field of fields) if (!FIELD_KINDS.includes(field)) throw new Error(`--fields: unknown field kind '${field}' (known: ${FIELD_KINDS.join(', ')})`);
  process.stdout.write(await mcmcCalibration({ cases: Number(values.cases), fields, members: Number(values.members), log: (l) => console.error(l) }));
}
