// Everything that can be wrong with an invocation is found here, before any worker starts, and
// reported as one line naming the file or option.
import { existsSync } from 'node:fs';
import { basename, resolve } from 'node:path';
import { readCase, type Case } from '@ldinv/fields';
import { ENSEMBLE_MODES, INVERSION_METHODS, INVERT_DEFAULTS, LATENT_PARAMS, type InversionMethod } from '@ldinv/optim';
import { readManifest, resolvePriorDir } from '@ldinv/prior';
import { BACKEND_CHOICES } from '@ldinv/tensor';
import { parseFaultRules, FAULT_ENV } from '../member/fault-inject.ts';
import { METHODS_WITH_FIXED_START, METHODS_WITH_INIT_LOGK, METHODS_WITH_PRIOR, type InvertConfig } from '@ldinv/runs';


export function checkInteger(name: string, value: number, min: number): void {
  if (!Number.isInteger(value) || value < min) throw new Error(`--${name} must be an integer >= ${min}, got ${value}`);
}

export function parseDevices(text: string | undefined): string[] | null {
  if (text === undefined || text === 'cpu') return null;
  const ids = text.split(',').map((s) => s.trim());
  if (ids.length === 0 || ids.some((d) => !/^\d+$/.test(d)) || new Set(ids).size !== ids.length) {
    throw new Error(`--devices must be 'cpu' or distinct GPU ids like 0,1, got '${text}'`);
  }
  return ids;
}

export interface ValidatedCase {
  dir: string;
  name: string;
  data: Case;
}

export function validateCase(dir: string): ValidatedCase {
  const abs = resolve(dir);
  if (!existsSync(abs)) throw new Error(`${dir}: case directory not found`);
  return { dir: abs, name: basename(abs), data: readCase(abs) };
}

function initLogKMisused(method: InversionMethod): never {
  throw new Error(`--init-logk is for --method ${METHODS_WITH_INIT_LOGK.join(' or ')}, got --method ${method}`);
}

/**
 * The start level of ln K a run records: the given one (pixel, pinn only), else for pixel and pinn the
 * mean ln K of the training set of `prior` (the prior's standardise.mean) when that prior resolves,
 * else the optimiser's default; 0 for methods that do not start from a constant.
 */
export function resolveInitLogK(method: InversionMethod, given: number | null | undefined, prior: string | null | undefined): number {
  const pixelLike = METHODS_WITH_INIT_LOGK.includes(method);
  if (given !== null && given !== undefined) {
    if (!pixelLike) initLogKMisused(method);
    return given;
  }
  if (!pixelLike || !prior) return 0;
  let dir: string;
  try {
    dir = resolvePriorDir(prior);
  } catch {
    // A case may name a prior that is not installed here; pixel and pinn do not need it.
    return INVERT_DEFAULTS.pixelInitLogK;
  }
  return readManifest(dir).standardise.mean;
}

/** Checks the options and the files they name; returns the prior's resolved directory (or null). */
export function validateInvert(config: InvertConfig, c: ValidatedCase): string | null {
  if (!INVERSION_METHODS.includes(config.method)) throw new Error(`--method must be one of ${INVERSION_METHODS.join(', ')}, got '${config.method}'`);
  if (!ENSEMBLE_MODES.includes(config.mode)) throw new Error(`--mode must be one of ${ENSEMBLE_MODES.join(', ')}, got '${config.mode}'`);
  if (!BACKEND_CHOICES.includes(config.backend)) throw new Error(`--backend must be one of ${BACKEND_CHOICES.join(', ')}, got '${config.backend}'`);
  checkInteger('members', config.members, 1);
  if (config.mode === 'multistart' && config.members > 1 && METHODS_WITH_FIXED_START.includes(config.method)) {
    throw new Error(`--method ${config.method} --mode multistart: every member starts from the same field, so the ${config.members} members would be identical (zero spread); use --mode rml`);
  }
  checkInteger('iters', config.iters, 1);
  if (!LATENT_PARAMS.includes(config.param)) throw new Error(`--param must be one of ${LATENT_PARAMS.join(', ')}, got '${config.param}'`);
  if (config.param !== 'latent' && config.method !== 'ldim') throw new Error(`--param ${config.param} is for --method ldim, got --method ${config.method}`);
  checkInteger('refine', config.refine, 0);
  if (config.mode === 'mcmc' && config.method !== 'ldim') {
    throw new Error(`--mode mcmc samples the initial noise z_T of ldim's prior (exactly N(0, I)): use --method ldim, got --method ${config.method}`);
  }
  checkInteger('burn-in', config.burnIn, 0);
  checkInteger('steps', config.steps, 1);
  checkInteger('thin', config.thin, 1);
  if (config.thin > config.steps) throw new Error(`--thin ${config.thin} keeps no sample of --steps ${config.steps}: use a thin <= steps`);
  if (!Number.isFinite(config.initLogK)) throw new Error(`--init-logk must be a finite number, got '${String(config.initLogK)}'`);
  if (config.initLogK !== 0 && !METHODS_WITH_INIT_LOGK.includes(config.method)) initLogKMisused(config.method);
  checkInteger('workers', config.workers, 1);
  checkInteger('batch', config.batch, 1);
  checkInteger('seed', config.seed, 0);
  checkInteger('max-attempts', config.maxAttempts, 1);
  if (!(config.maxMisfit > 0)) throw new Error(`--max-misfit must be > 0, got ${config.maxMisfit}`);
  parseFaultRules(process.env[FAULT_ENV]);
  let priorDir: string | null = null;
  if (config.prior !== null) {
    priorDir = resolve(resolvePriorDir(config.prior));
    const m = readManifest(priorDir);
    const { nx, ny } = c.data.grid;
    if (m.grid.nx !== nx || m.grid.ny !== ny) {
      throw new Error(`prior ${config.prior}: grid ${m.grid.ny}x${m.grid.nx} differs from the case grid ${ny}x${nx} (${c.dir}/case.json)`);
    }
  } else if (METHODS_WITH_PRIOR.includes(config.method)) {
    throw new Error(`--method ${config.method} needs a prior: pass --prior NAME|DIR or set "prior" in ${c.dir}/case.json`);
  }
  return priorDir;
}
