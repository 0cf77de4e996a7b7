// Observation operator: bilinear interpolation between cell centres, with its transpose (the adjoint
// that carries data-misfit gradients back to the grid). Points are in the domain's coordinates.
import { UNIT_SQUARE, validateGrid, type DarcyProblem, type Domain, type Grid } from './problem.ts';

/** Relative slack for points on the hull of cell centres written with rounding (e.g. 0.5/64). */
const HULL_SLACK = 1e-12;

export interface ObservationGeometry {
  /** Default: the unit square. */
  domain?: Domain;
  /** [ny * nx], nonzero = active (fixed-head cells count as active); default: all active. */
  active?: ArrayLike<number>;
}

/** Where a problem's sensors may sit: a site's domain and active cells (the unit square for a preset). */
export function observationGeometry(problem: Pick<DarcyProblem, 'bc'>): ObservationGeometry {
  return typeof problem.bc === 'string' ? {} : { domain: problem.bc.domain, active: problem.bc.active };
}

/** The four cells and weights that interpolate at (x, y), or why the point cannot be observed:
 *  outside the hull of cell centres (an input error, never a clamp) or next to an inactive cell. */
export function interpolationStencil(
  grid: Grid, x: number, y: number, geometry: ObservationGeometry = {},
): { cells: number[]; weights: number[] } | { error: string; kind: 'outside' | 'inactive' } {
  const { nx, ny } = grid;
  const domain = geometry.domain ?? UNIT_SQUARE;
  // Cell-centre coordinates: centre x0 + (i + 1/2) dx maps to i.
  const fx = ((x - domain.x0) / domain.lx) * nx - 0.5;
  const fy = ((y - domain.y0) / domain.ly) * ny - 0.5;
  for (const [name, v, f, d, lo, l] of [['x', x, fx, nx, domain.x0, domain.lx], ['y', y, fy, ny, domain.y0, domain.ly]] as const) {
    if (!Number.isFinite(v) || f < -HULL_SLACK * d || f > d - 1 + HULL_SLACK * d) {
      return { error: `${name} = ${v} is outside the hull of cell centres [${lo + (0.5 * l) / d}, ${lo + l - (0.5 * l) / d}]`, kind: 'outside' };
    }
  }
  const i0 = Math.min(Math.max(Math.floor(fx), 0), nx - 2);
  const j0 = Math.min(Math.max(Math.floor(fy), 0), ny - 2);
  const tx = Math.min(Math.max(fx - i0, 0), 1);
  const ty = Math.min(Math.max(fy - j0, 0), 1);
  const c = j0 * nx + i0;
  const cells = [c, c + 1, c + nx, c + nx + 1];
  if (geometry.active) {
    const inactive = cells.find((k) => geometry.active![k] === 0);
    if (inactive !== undefined) {
      return { error: `needs active cells around it; cell (i=${inactive % nx}, j=${Math.floor(inactive / nx)}) is inactive`, kind: 'inactive' };
    }
  }
  return { cells, weights: [(1 - tx) * (1 - ty), tx * (1 - ty), (1 - tx) * ty, tx * ty] };
}

/** Bilinear interpolation between cell centres; a point that cannot be observed is an input error
 *  (one line naming the source and the point). */
export class ObservationOperator {
  readonly count: number;
  /** Four cell indices and four weights per point. */
  private readonly cells: Int32Array;
  private readonly weights: Float64Array;
  private readonly n: number;

  constructor(
    readonly grid: Grid,
    points: readonly { x: number; y: number }[],
    source = 'points',
    geometry: ObservationGeometry = {},
  ) {
    validateGrid(grid);
    this.n = grid.nx * grid.ny;
    this.count = points.length;
    this.cells = new Int32Array(4 * points.length);
    this.weights = new Float64Array(4 * points.length);
    points.forEach((p, k) => {
      const stencil = interpolationStencil(grid, p.x, p.y, geometry);
      if ('error' in stencil) throw new Error(`${source} point ${k} (${p.x}, ${p.y}): ${stencil.error}`);
      this.cells.set(stencil.cells, 4 * k);
      this.weights.set(stencil.weights, 4 * k);
    });
  }

  /** Field values (ny * nx, row-major) at the points. */
  apply(field: ArrayLike<number>): Float64Array {
    this.checkLength(field, this.n, 'field');
    const out = new Float64Array(this.count);
    for (let k = 0; k < this.count; k++) {
      let v = 0;
      for (let q = 4 * k; q < 4 * k + 4; q++) v += this.weights[q] * field[this.cells[q]];
      out[k] = v;
    }
    return out;
  }

  /** The transpose: spreads one value per point back onto the grid (ny * nx). */
  applyTranspose(values: ArrayLike<number>): Float64Array {
    this.checkLength(values, this.count, 'values');
    const out = new Float64Array(this.n);
    for (let k = 0; k < this.count; k++) {
      for (let q = 4 * k; q < 4 * k + 4; q++) out[this.cells[q]] += this.weights[q] * values[k];
    }
    return out;
  }

  private checkLength(a: ArrayLike<number>, n: number, what: string): void {
    if (a.length !== n) throw new Error(`ObservationOperator: ${what} must hold ${n} values, got ${a.length}`);
  }
}
