// Observation operator of DESIGN.md: bilinear interpolation between cell centres, with its
// transpose (the adjoint that carries data-misfit gradients back to the grid).
import { validateGrid, type Grid } from './problem.ts';

/** Relative slack for points on the hull of cell centres written with rounding (e.g. 0.5/64). */
const HULL_SLACK = 1e-12;

/** Bilinear interpolation between cell centres; a point outside the hull of cell centres is an
 *  input error (one line naming the source and the point), never a clamp. */
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
  ) {
    validateGrid(grid);
    const { nx, ny } = grid;
    this.n = nx * ny;
    this.count = points.length;
    this.cells = new Int32Array(4 * points.length);
    this.weights = new Float64Array(4 * points.length);
    const lo = (d: number) => 0.5 / d;
    const hi = (d: number) => 1 - 0.5 / d;
    points.forEach((p, k) => {
      // Cell-centre coordinates: centre (i + 1/2) dx maps to i.
      const fx = p.x * nx - 0.5;
      const fy = p.y * ny - 0.5;
      for (const [name, v, f, d] of [['x', p.x, fx, nx], ['y', p.y, fy, ny]] as const) {
        if (!Number.isFinite(v) || f < -HULL_SLACK * d || f > d - 1 + HULL_SLACK * d) {
          throw new Error(
            `${source} point ${k}: ${name} = ${v} is outside the hull of cell centres [${lo(d)}, ${hi(d)}]`,
          );
        }
      }
      const i0 = Math.min(Math.max(Math.floor(fx), 0), nx - 2);
      const j0 = Math.min(Math.max(Math.floor(fy), 0), ny - 2);
      const tx = Math.min(Math.max(fx - i0, 0), 1);
      const ty = Math.min(Math.max(fy - j0, 0), 1);
      const c = j0 * nx + i0;
      this.cells.set([c, c + 1, c + nx, c + nx + 1], 4 * k);
      this.weights.set([(1 - tx) * (1 - ty), tx * (1 - ty), (1 - tx) * ty, tx * ty], 4 * k);
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
