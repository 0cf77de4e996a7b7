// Stationary covariance kernels of ln K with geometric anisotropy.
// Length-scale convention (Rasmussen & Williams 2006, eqs. 4.9, 4.14, 4.17): with the scaled lag
// d = |R(-theta) h| / (lx, ly), i.e. lags measured along the rotated principal axes and divided by
// the length scale on each axis,
//   exponential          C = s2 exp(-d)
//   matern32 (nu = 3/2)  C = s2 (1 + sqrt3 d) exp(-sqrt3 d)
//   matern52 (nu = 5/2)  C = s2 (1 + sqrt5 d + 5 d^2 / 3) exp(-sqrt5 d)
//   squared-exponential  C = s2 exp(-d^2 / 2)

export const KERNELS = ['exponential', 'matern32', 'matern52', 'squared-exponential'] as const;
export type Kernel = (typeof KERNELS)[number];

/** Second-order structure of a stationary field; lengths in domain units (the domain is the unit square). */
export interface Covariance {
  kernel: Kernel;
  /** Variance s2 of the field (of ln K), > 0. */
  variance: number;
  /** Length scale along the principal axis at angle `rotation`, > 0. */
  lx: number;
  /** Length scale along the perpendicular axis, > 0. */
  ly: number;
  /** Angle of the lx axis, degrees counter-clockwise from the x axis. */
  rotation: number;
}

/** Checks a covariance; throws a one-line error naming the parameter (`what` prefixes it). */
export function validateCovariance(c: Covariance, what: string): void {
  if (!KERNELS.includes(c.kernel)) {
    throw new Error(`${what}: kernel must be one of ${KERNELS.join(', ')}, got '${c.kernel}'`);
  }
  for (const key of ['variance', 'lx', 'ly'] as const) {
    if (!Number.isFinite(c[key]) || c[key] <= 0) throw new Error(`${what}: ${key} must be > 0, got ${c[key]}`);
  }
  if (!Number.isFinite(c.rotation)) throw new Error(`${what}: rotation must be a finite angle, got ${c.rotation}`);
}

/** Correlation as a function of the scaled lag d >= 0. */
export function correlation(kernel: Kernel, d: number): number {
  switch (kernel) {
    case 'exponential':
      return Math.exp(-d);
    case 'matern32': {
      const a = Math.sqrt(3) * d;
      return (1 + a) * Math.exp(-a);
    }
    case 'matern52': {
      const a = Math.sqrt(5) * d;
      return (1 + a + (a * a) / 3) * Math.exp(-a);
    }
    case 'squared-exponential':
      return Math.exp(-0.5 * d * d);
  }
}

/** Covariance function C(hx, hy) of a lag vector; even in the lag, as every covariance is. */
export function covarianceFunction(c: Covariance): (hx: number, hy: number) => number {
  const t = (c.rotation * Math.PI) / 180;
  const cos = Math.cos(t);
  const sin = Math.sin(t);
  return (hx, hy) => {
    const u = (cos * hx + sin * hy) / c.lx;
    const v = (-sin * hx + cos * hy) / c.ly;
    return c.variance * correlation(c.kernel, Math.sqrt(u * u + v * v));
  };
}
