// What a synthetic ln K field is: the generator settings recorded in case.json and dataset.json.
import { validateCovariance, type Covariance } from './covariance.ts';

/** Stationary Gaussian random field of ln K. */
export interface GaussianFieldSpec extends Covariance {
  kind: 'gaussian';
  /** Mean of ln K. */
  mean: number;
}

/**
 * Two materials separated by the zero level set of a unit-variance Gaussian field g shifted so that
 * P(high) = fraction: a cell is `logKHigh` where g(x) > Phi^-1(1 - fraction), else `logKLow`. The interface
 * is as smooth as g (smooth kernels: squared-exponential, matern52); the field itself is sharp.
 * `variance` is that of g and does not change the geometry; it is kept so the interface is a Covariance.
 */
export interface BimaterialFieldSpec extends Covariance {
  kind: 'bimaterial';
  /** ln K of the background material. */
  logKLow: number;
  /** ln K of the second material. */
  logKHigh: number;
  /** Expected volume fraction of the `logKHigh` material, in (0, 1). */
  fraction: number;
}

export type FieldSpec = GaussianFieldSpec | BimaterialFieldSpec;
export type FieldKind = FieldSpec['kind'];
export const FIELD_KINDS: readonly FieldKind[] = ['gaussian', 'bimaterial'];

/** Defaults that the shipped cases and priors rely on (lengths in units of the domain side). */
export const GAUSSIAN_DEFAULTS: GaussianFieldSpec = {
  kind: 'gaussian',
  kernel: 'exponential',
  mean: 0,
  variance: 1,
  lx: 0.2,
  ly: 0.2,
  rotation: 0,
};

export const BIMATERIAL_DEFAULTS: BimaterialFieldSpec = {
  kind: 'bimaterial',
  kernel: 'squared-exponential',
  variance: 1,
  lx: 0.2,
  ly: 0.2,
  rotation: 0,
  logKLow: Math.log(1),
  logKHigh: Math.log(10),
  fraction: 0.5,
};

/** Settings of either kind; `fieldSpec` rejects those that do not belong to the kind asked for. */
export type FieldSettings = Partial<Omit<GaussianFieldSpec, 'kind'> & Omit<BimaterialFieldSpec, 'kind'>>;

/** The full spec of a kind with some settings overridden (undefined ones keep the default); validated. */
export function fieldSpec(kind: FieldKind, overrides: FieldSettings = {}): FieldSpec {
  if (!FIELD_KINDS.includes(kind)) {
    throw new Error(`field must be one of ${FIELD_KINDS.join(', ')}, got '${kind}'`);
  }
  const defaults = kind === 'gaussian' ? GAUSSIAN_DEFAULTS : BIMATERIAL_DEFAULTS;
  const known = Object.keys(defaults);
  const spec: Record<string, unknown> = { ...defaults };
  for (const [key, value] of Object.entries(overrides)) {
    if (value === undefined) continue;
    if (!known.includes(key)) throw new Error(`${kind} field: unknown setting '${key}'`);
    spec[key] = value;
  }
  const full = spec as unknown as FieldSpec;
  validateFieldSpec(full);
  return full;
}

/** Throws a one-line error naming the bad setting. */
export function validateFieldSpec(spec: FieldSpec): void {
  const what = `${spec.kind} field`;
  validateCovariance(spec, what);
  if (spec.kind === 'gaussian') {
    if (!Number.isFinite(spec.mean)) throw new Error(`${what}: mean must be finite, got ${spec.mean}`);
    return;
  }
  for (const key of ['logKLow', 'logKHigh'] as const) {
    if (!Number.isFinite(spec[key])) throw new Error(`${what}: ${key} must be finite, got ${spec[key]}`);
  }
  if (spec.logKLow === spec.logKHigh) {
    throw new Error(`${what}: logKLow and logKHigh must differ, got ${spec.logKLow} for both`);
  }
  if (!(spec.fraction > 0 && spec.fraction < 1)) {
    throw new Error(`${what}: fraction must be in (0, 1), got ${spec.fraction}`);
  }
}
