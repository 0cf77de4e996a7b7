// npm run bench -- inversion [--cases 5] [--members 8] [--iters 200] [--setting standard]
//   [--methods ldim,ldim+refine,pixel,vae,pinn] [--fields gaussian,bimaterial] [--runs runs/study] [--priors DIR]
// Issue 6's comparison in one setting: for each field kind, 5 benchmark cases with fixed seeds (never
// used for tuning), an 8-member ensemble per method and case through `ldinv invert` (resumable: rerun
// to continue). Prints one JSON line per figure per (field, method), averaged over the cases, then one
// line per target of issue 6 with whether it holds.
import { join } from 'node:path';
import { flag } from './invert-runs.ts';
import { caseSeeds, ensureCase, FIELD_KINDS, PRIOR_OF, SETTINGS, studyRunSeed, type SettingName, type StudyField } from '../study/study-cases.ts';
import { studyMethod } from '../study/study-methods.ts';
import { cellFigures, rowFigures, type RowFigures } from '../study/study-metrics.ts';
import { runStudy, type StudyCell } from '../study/study-runner.ts';

const cases = Number(flag('cases', '5'));
const members = Number(flag('members', '8'));
const iters = Number(flag('iters', '200'));
const settingName = flag('setting', 'standard') as SettingName;
const setting = SETTINGS[settingName];
if (!setting) throw new Error(`--setting must be one of ${Object.keys(SETTINGS).join(', ')}, got '${settingName}'`);
const methods = flag('methods', 'ldim,ldim+refine,pixel,vae,pinn').split(',').map(studyMethod);
const fields = flag('fields', FIELD_KINDS.join(',')).split(',') as StudyField[];
const root = flag('runs', 'runs/study');
const priorsDir = flag('priors', '');

const cells: (StudyCell & { field: StudyField; methodName: string })[] = [];
for (const field of fields) {
  for (const seed of caseSeeds('benchmark', field, cases)) {
    const caseDir = ensureCase(join(root, 'cases'), field, setting, seed);
    for (const m of methods) {
      cells.push({
        id: `${field}-${setting.name}-s${seed}-${m.name}`, caseDir, method: m.method, mode: m.mode, args: m.args,
        members, iters, seed: studyRunSeed(seed), field, methodName: m.name, ...(priorsDir ? { prior: join(priorsDir, PRIOR_OF[field]) } : {}),
      });
    }
  }
}
const summaries = await runStudy(cells, { runsRoot: join(root, 'runs'), log: (l) => console.error(l) });

const rows = new Map<string, RowFigures>();
for (const field of fields) {
  for (const m of methods) {
    const picked = summaries.filter((_, k) => cells[k].field === field && cells[k].methodName === m.name).map(cellFigures);
    const row = rowFigures(picked);
    rows.set(`${field}/${m.name}`, row);
    const { errors: _errors, ...figures } = row;
    for (const [figure, value] of Object.entries(figures)) {
      if (value === null) continue;
      console.log(JSON.stringify({ bench: 'inversion', setting: setting.name, field, method: m.name, figure, value: Number(value.toPrecision(4)), members, iters }));
    }
  }
}

// Issue 6's targets, where the rows they compare were run.
const target = (name: string, holds: boolean, detail: Record<string, unknown>) =>
  console.log(JSON.stringify({ bench: 'inversion', setting: setting.name, figure: `target: ${name}`, value: holds ? 1 : 0, ...detail }));
const baselines = ['pixel', 'vae', 'pinn'];
for (const field of fields) {
  const ldim = rows.get(`${field}/ldim`);
  if (!ldim) continue;
  target(`${field} ldim starts with chi2/M <= 1.5 >= 90 %`, ldim.fit15 >= 0.9, { fit15: ldim.fit15 });
  target(`${field} ldim error CV over starts <= 0.15`, ldim.errorCv <= 0.15, { cv: ldim.errorCv });
  const base = baselines.map((b) => [b, rows.get(`${field}/${b}`)] as const).filter((r): r is [string, RowFigures] => r[1] !== undefined);
  if (base.length > 0) {
    const best = Math.min(...base.map(([, r]) => r.ensembleRelL2));
    target(`${field} ldim ensemble-mean error below every baseline`, ldim.ensembleRelL2 < best, { ldim: ldim.ensembleRelL2, bestBaseline: best });
  }
  const pytorch = field === 'gaussian' ? 0.76 : 0.51;
  target(`${field} ldim ensemble-mean error below PyTorch reference ${pytorch}`, ldim.ensembleRelL2 < pytorch, { ldim: ldim.ensembleRelL2 });
  if (field === 'bimaterial' && base.length > 0) {
    const bestSsim = Math.max(...base.map(([, r]) => r.ensembleSsim ?? -1));
    target('bimaterial ldim SSIM >= 1.3x best baseline', (ldim.ensembleSsim ?? -1) >= 1.3 * bestSsim, { ldim: ldim.ensembleSsim, bestBaseline: bestSsim });
    const pixel = rows.get('bimaterial/pixel');
    if (pixel) {
      target('bimaterial ldim ensemble-mean misclassification <= pixel', (ldim.ensembleMisclassified ?? 1) <= (pixel.ensembleMisclassified ?? 0), {
        ldim: ldim.ensembleMisclassified, pixel: pixel.ensembleMisclassified,
      });
    }
  }
}
