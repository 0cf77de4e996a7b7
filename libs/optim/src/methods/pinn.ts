// The `pinn` baseline (physics-informed neural network, Raissi et al. 2019, as used for Darcy
// inversion by Tartakovsky et al. 2020): an MLP for Y = ln K(x, y) and one for the heads h_t(x, y) of
// every pumping test (one output per test), trained together with Adam on
//   L = Φ(P h) + λ_pde mean_{c,t} r_t(x_c)² + λ_bc (mean_D (h_t − h_B)² + mean_N (∂h_t/∂n)²),
// Φ the data misfit of data-misfit.ts (χ²/(2M), P the bilinear sensor operator applied to the head
// network at the cell centres), r the strong-form residual of pde-residual.ts at pinnCollocation
// cell centres per iteration (wells as Gaussians of width pinnWellWidth cells), D the Dirichlet and N the
// no-flow boundary points (face centres) of the case's boundary setup.
// A site is solved in coordinates scaled to the unit square, u = (x − x0)/lx, v = (y − y0)/ly, with
// heads h = h0 + Δh·h' (h0, Δh: centre and half-range of the data and prescribed heads): then
//   r = e^Y (h'_uu + Y_u h'_u + α (h'_vv + Y_v h'_v)) + β (R + s),  α = (lx/ly)², β = lx²/(b Δh),
// fixed-head cells and side heads are Dirichlet points, no-flow sides and faces to inactive cells
// no-flow points, side fluxes q the Neumann points e^Y ∂h'/∂n = q L/(b Δh) (L = lx or ly), and the
// PDE is collocated at unknown cells only.
// The result is the ln K network at the cell centres; its heads, sensor predictions and χ²/M come
// from the finite-volume solver, so they compare across methods. The history records χ²/M of the
// head network at the sensors and, as the 'regulariser', the weighted PDE + boundary loss.
import { CELL_STATE, discretise, logKLevelFree, presetSite, SIDES, solveHeads, type Side, type Site } from '@ldinv/solver';
import { createRng, deriveSeed, tf, type Rng } from '@ldinv/tensor';
import { ArrayAdam } from '../adam.ts';
import { adamOptionsOf, type InvertOptions, type MemberSpec } from '../invert-options.ts';
import { MemberRun, type MemberResult, type ProgressCallback } from '../member-run.ts';
import { DataMisfit } from '../objectives/data-misfit.ts';
import { darcyResidualOfJets, wellForcing } from '../objectives/pde-residual.ts';
import { perturbData } from '../objectives/rml-perturbation.ts';
import { truthOf, type InversionProblem } from '../problem.ts';
import { StoppingRule } from '../stopping.ts';
import { STREAM } from '../streams.ts';
import { initMlp, mlp, mlpJet, mlpSize, type MlpShape } from './pinn-network.ts';

/** Points (x, y pairs), Dirichlet values and no-flow normals of the PINN's loss terms on a grid. */
export interface PinnPoints {
  /** Cell centres, row-major [ny, nx] as the solver orders cells: collocation and data points. */
  centres: Float32Array;
  dirichlet: Float32Array;
  dirichletValue: Float32Array;
  noFlow: Float32Array;
  /** Unit normal of each no-flow point (sign is irrelevant: the loss squares ∂h/∂n). */
  noFlowNormal: Float32Array;
  /** Side-flux points, their outward unit normals and the scaled inflow e^Y ∂h'/∂n must equal. */
  flux: Float32Array;
  fluxNormal: Float32Array;
  fluxValue: Float32Array;
  /** f + s_t at the centres, [cells, tests]. */
  forcing: Float32Array;
  /** Cells where the PDE is collocated: the unknowns (every cell of a preset). */
  collocationCells: Int32Array;
  /** Weight of the y terms of the residual, (lx/ly)² (1 on the unit square). */
  alpha: number;
  /** Heads are headOffset + headScale · (head network output). */
  headOffset: number;
  headScale: number;
  /** No test has a source: the level of ln K is then not fixed by the heads (see pinnGaugeWeight). */
  sourceFree: boolean;
}

/** The boundary points of PinnPoints while they are collected. */
interface BoundaryLists {
  dirichlet: number[];
  dirichletValue: number[];
  noFlow: number[];
  noFlowNormal: number[];
  flux: number[];
  fluxNormal: number[];
  fluxValue: number[];
}

const boundaryLists = (): BoundaryLists => ({ dirichlet: [], dirichletValue: [], noFlow: [], noFlowNormal: [], flux: [], fluxNormal: [], fluxValue: [] });

function boundaryPoints(lists: BoundaryLists): Pick<PinnPoints, keyof BoundaryLists> {
  return Object.fromEntries(Object.entries(lists).map(([k, v]) => [k, Float32Array.from(v as number[])])) as Pick<PinnPoints, keyof BoundaryLists>;
}

function cellCentres(nx: number, ny: number): Float32Array {
  const centres = new Float32Array(2 * nx * ny);
  for (let j = 0; j < ny; j++) for (let i = 0; i < nx; i++) centres.set([(i + 0.5) / nx, (j + 0.5) / ny], 2 * (j * nx + i));
  return centres;
}

export function pinnPoints(problem: InversionProblem, wellWidthCells: number): PinnPoints {
  return typeof problem.darcy.bc === 'string' ? presetPoints(problem, wellWidthCells) : sitePoints(problem, problem.darcy.bc, wellWidthCells);
}

/** A unit-square preset: heads in case units, no scaling. */
function presetPoints(problem: InversionProblem, wellWidthCells: number): PinnPoints {
  const { grid, bc, tests } = problem.darcy;
  const { nx, ny } = grid;
  const centres = cellCentres(nx, ny);
  // Each side's boundary head (null = no flow) and the source density of the preset.
  const site = presetSite(bc as 'flow' | 'source');
  const headOf = (side: Side) => {
    const c = site.sides[side];
    return c?.type === 'head' && 'value' in c ? c.value : null;
  };
  const s = { west: headOf('west'), east: headOf('east'), south: headOf('south'), north: headOf('north'), f: Number(site.recharge ?? 0) };
  const lists = boundaryLists();
  const { dirichlet, dirichletValue, noFlow, noFlowNormal } = lists;
  // Face centres of each side, as the FV scheme places its boundary values.
  const sides = [
    { value: s.west, normal: [1, 0], at: (k: number) => [0, (k + 0.5) / ny], n: ny },
    { value: s.east, normal: [1, 0], at: (k: number) => [1, (k + 0.5) / ny], n: ny },
    { value: s.south, normal: [0, 1], at: (k: number) => [(k + 0.5) / nx, 0], n: nx },
    { value: s.north, normal: [0, 1], at: (k: number) => [(k + 0.5) / nx, 1], n: nx },
  ];
  for (const side of sides) {
    for (let k = 0; k < side.n; k++) {
      if (side.value === null) {
        noFlow.push(...side.at(k));
        noFlowNormal.push(...side.normal);
      } else {
        dirichlet.push(...side.at(k));
        dirichletValue.push(side.value);
      }
    }
  }
  const width = wellWidthCells / Math.max(nx, ny);
  return {
    centres,
    ...boundaryPoints(lists),
    forcing: wellForcing(centres, tests, s.f, width),
    collocationCells: Int32Array.from({ length: nx * ny }, (_, c) => c),
    alpha: 1, headOffset: 0, headScale: 1,
    sourceFree: logKLevelFree(problem.darcy),
  };
}

/** A site, in coordinates scaled to the unit square (see the header). */
function sitePoints(problem: InversionProblem, site: Site, wellWidthCells: number): PinnPoints {
  const { grid, tests } = problem.darcy;
  const { nx, ny } = grid;
  const d = discretise(problem.darcy);
  const { lx, ly, x0, y0 } = site.domain;
  const centres = cellCentres(nx, ny);
  const unknown = (c: number) => d.state[c] === CELL_STATE.unknown;
  // Head scale from every head the loss sees: the data and the prescribed ones.
  const known = [...problem.observations.flatMap((o) => Array.from(o.data)), ...Array.from(d.headFaces.head)];
  d.state.forEach((state, c) => state === CELL_STATE.fixed && known.push(d.fixedHead[c]));
  // A loop, not Math.min(...known): spreading 10⁵ values overflows the call stack.
  let lo = Infinity;
  let hi = -Infinity;
  for (const h of known) {
    lo = Math.min(lo, h);
    hi = Math.max(hi, h);
  }
  const headOffset = (lo + hi) / 2;
  const headScale = hi > lo ? (hi - lo) / 2 : 1;
  const scaled = (h: number) => (h - headOffset) / headScale;
  const lists = boundaryLists();
  const { dirichlet, dirichletValue, noFlow, noFlowNormal, flux, fluxNormal, fluxValue } = lists;
  // Outer faces of unknown cells, side by side.
  const outer: Record<Side, { normal: [number, number]; count: number; cell: (k: number) => number; at: (k: number) => [number, number] }> = {
    west: { normal: [-1, 0], count: ny, cell: (k) => k * nx, at: (k) => [0, (k + 0.5) / ny] },
    east: { normal: [1, 0], count: ny, cell: (k) => k * nx + nx - 1, at: (k) => [1, (k + 0.5) / ny] },
    south: { normal: [0, -1], count: nx, cell: (k) => k, at: (k) => [(k + 0.5) / nx, 0] },
    north: { normal: [0, 1], count: nx, cell: (k) => (ny - 1) * nx + k, at: (k) => [(k + 0.5) / nx, 1] },
  };
  for (const side of SIDES) {
    const o = outer[side];
    const condition = site.sides[side] ?? { type: 'no-flow' as const };
    for (let k = 0; k < o.count; k++) {
      if (!unknown(o.cell(k))) continue;
      if (condition.type === 'head') {
        dirichlet.push(...o.at(k));
        dirichletValue.push(scaled('values' in condition ? condition.values[k] : condition.value));
      } else if (condition.type === 'flux') {
        flux.push(...o.at(k));
        fluxNormal.push(...o.normal);
        fluxValue.push((condition.value * (o.normal[0] !== 0 ? lx : ly)) / (site.thickness * headScale));
      } else {
        noFlow.push(...o.at(k));
        noFlowNormal.push(...o.normal);
      }
    }
  }
  // Faces between an unknown cell and an inactive one: no-flow walls inside the domain.
  const inactive = (c: number) => d.state[c] === CELL_STATE.inactive;
  for (let j = 0; j < ny; j++) {
    for (let i = 0; i < nx; i++) {
      const c = j * nx + i;
      if (i + 1 < nx && unknown(c) !== unknown(c + 1) && (inactive(c) || inactive(c + 1))) {
        noFlow.push((i + 1) / nx, (j + 0.5) / ny);
        noFlowNormal.push(1, 0);
      }
      if (j + 1 < ny && unknown(c) !== unknown(c + nx) && (inactive(c) || inactive(c + nx))) {
        noFlow.push((i + 0.5) / nx, (j + 1) / ny);
        noFlowNormal.push(0, 1);
      }
      if (d.state[c] === CELL_STATE.fixed) {
        dirichlet.push(centres[2 * c], centres[2 * c + 1]);
        dirichletValue.push(scaled(d.fixedHead[c]));
      }
    }
  }
  // Forcing β (R + s_t) with R per unit area and the wells as Gaussians in site coordinates.
  const beta = (lx * lx) / (site.thickness * headScale);
  // Lengths from the domain's corner: float32 site coordinates (northings of 5e6 m) would move wells by ~0.5 m.
  const siteCentres = Float32Array.from(centres, (v, k) => v * (k % 2 === 0 ? lx : ly));
  const width = wellWidthCells * Math.max(lx / nx, ly / ny);
  const wells = wellForcing(siteCentres, tests.map((ws) => ws.map((w) => ({ ...w, x: w.x - x0, y: w.y - y0 }))), 0, width);
  const T = tests.length;
  const forcing = Float32Array.from(wells, (s, k) => beta * (s + d.recharge[Math.floor(k / T)] / (d.dx * d.dy)));
  return {
    centres,
    ...boundaryPoints(lists),
    forcing,
    collocationCells: Int32Array.from({ length: nx * ny }, (_, c) => c).filter(unknown),
    alpha: (lx / ly) ** 2, headOffset, headScale,
    sourceFree: logKLevelFree(problem.darcy),
  };
}

/** Values of one evaluation of the PINN loss. */
export interface PinnLoss {
  /** Φ of the head network at the sensors (χ²/M = 2Φ). */
  misfit: number;
  /** λ_pde mean r² + λ_bc (boundary terms). */
  physics: number;
}

/** Cells whose head the sensors read (the bilinear stencils): Φ needs the head network only there. */
export function sensorCells(misfit: DataMisfit): Int32Array {
  const used = new Float64Array(misfit.cells);
  for (const o of misfit.observations) {
    const w = o.operator.applyTranspose(new Float64Array(o.operator.count).fill(1));
    for (let c = 0; c < w.length; c++) used[c] += w[c];
  }
  return Int32Array.from(used.keys()).filter((c) => used[c] !== 0);
}

/**
 * The PINN loss and its gradient with respect to the flat parameters [θ_K, θ_h] (gradient written
 * into grad), with the PDE residual at the cell centres listed in `collocation`. Φ enters the tape
 * as Σ h ⊙ stop(∂Φ/∂h), whose θ-gradient is ∂Φ/∂θ by the chain rule.
 */
export function pinnLossAndGradient(
  points: PinnPoints, misfit: DataMisfit, shapes: { logK: MlpShape; head: MlpShape }, options: InvertOptions,
  params: Float32Array, grad: Float32Array, collocation: Int32Array, dataCells = sensorCells(misfit),
): PinnLoss {
  const T = shapes.head.outputs;
  const nK = mlpSize(shapes.logK);
  const [nS, nC, nD, nN, nF] = [
    dataCells.length, collocation.length, points.dirichlet.length / 2, points.noFlow.length / 2, points.flux.length / 2,
  ];
  const centre = (cells: Int32Array) => Float32Array.from({ length: 2 * cells.length }, (_, k) => points.centres[2 * cells[k >> 1] + (k & 1)]);
  const xs = Float32Array.from([...centre(dataCells), ...centre(collocation), ...points.dirichlet, ...points.noFlow, ...points.flux]);
  const forcing = Float32Array.from({ length: nC * T }, (_, k) => points.forcing[collocation[Math.floor(k / T)] * T + (k % T)]);
  const { alpha, headOffset, headScale } = points;
  const anisotropic = alpha !== 1;
  const out: PinnLoss = { misfit: 0, physics: 0 };
  tf.tidy(() => {
    const thetaK = tf.tensor1d(params.subarray(0, nK));
    const thetaH = tf.tensor1d(params.subarray(nK));
    // The head network runs once on all points (data, collocation, boundary): fewer tfjs ops.
    const xAll = tf.tensor2d(xs, [nS + nC + nD + nN + nF, 2]);
    const xC = tf.slice(xAll, [nS, 0], [nC, 2]);
    const hD = tf.tensor2d(points.dirichletValue, [nD, 1]);
    const [normalX, normalY] = tf.split(tf.tensor2d(points.noFlowNormal, [nN, 2]), 2, 1);
    const terms = { pde: 0, bc: 0 };
    const loss = (tk: tf.Tensor, th: tf.Tensor): tf.Scalar => {
      const all = mlpJet(shapes.head, th as tf.Tensor1D, xAll, anisotropic);
      const rows = (u: tf.Tensor2D, from: number, n: number) => tf.slice(u, [from, 0], [n, T]);
      const h = rows(all.value, 0, nS);
      const values = h.dataSync();
      const heads = Array.from({ length: T }, () => new Float64Array(misfit.cells));
      dataCells.forEach((c, i) => heads.forEach((head, t) => (head[c] = headOffset + headScale * values[i * T + t])));
      const data = misfit.loss(heads);
      out.misfit = data.value;
      // ∂Φ/∂h' = Δh ∂Φ/∂h (heads are h0 + Δh h').
      const dPhi = Float32Array.from({ length: nS * T }, (_, k) => headScale * data.dHeads[k % T][dataCells[Math.floor(k / T)]]);
      const hJet = {
        value: rows(all.value, nS, nC), dx: rows(all.dx, nS, nC), dy: rows(all.dy, nS, nC), lap: rows(all.lap, nS, nC),
        ...(all.dxx ? { dxx: rows(all.dxx, nS, nC) } : {}),
      };
      const kJet = mlpJet(shapes.logK, tk as tf.Tensor1D, xC);
      const r = darcyResidualOfJets(kJet, hJet, tf.tensor2d(forcing, [nC, T]), alpha);
      const pde = tf.mul(options.pinnPdeWeight, tf.mean(tf.square(r)));
      const gauge = points.sourceFree ? tf.mul(options.pinnGaugeWeight, tf.square(tf.sub(tf.mean(kJet.value), options.pixelInitLogK))) : tf.scalar(0);
      let bc: tf.Tensor = tf.scalar(0);
      if (nD > 0) bc = tf.add(bc, tf.mean(tf.square(tf.sub(rows(all.value, nS + nC, nD), hD))));
      if (nN > 0) {
        const from = nS + nC + nD;
        const dn = tf.add(tf.mul(rows(all.dx, from, nN), normalX), tf.mul(rows(all.dy, from, nN), normalY));
        bc = tf.add(bc, tf.mean(tf.square(dn)));
      }
      if (nF > 0) {
        // Side inflow: e^Y ∂h'/∂n (n outward) equals the scaled flux, with Y of the ln K network there.
        const from = nS + nC + nD + nN;
        const [fx, fy] = tf.split(tf.tensor2d(points.fluxNormal, [nF, 2]), 2, 1);
        const dn = tf.add(tf.mul(rows(all.dx, from, nF), fx), tf.mul(rows(all.dy, from, nF), fy));
        const k = tf.exp(mlp(shapes.logK, tk as tf.Tensor1D)(tf.slice(xAll, [from, 0], [nF, 2])));
        bc = tf.add(bc, tf.mean(tf.square(tf.sub(tf.mul(k, dn), tf.tensor2d(points.fluxValue, [nF, 1])))));
      }
      bc = tf.add(tf.mul(options.pinnBoundaryWeight, bc), gauge);
      terms.pde = pde.dataSync()[0];
      terms.bc = bc.dataSync()[0];
      return tf.add(tf.add(pde, bc), tf.sum(tf.mul(h, tf.tensor2d(dPhi, [nS, T])))) as tf.Scalar;
    };
    const [gK, gH] = tf.grads(loss)([thetaK, thetaH]);
    grad.set(gK.dataSync(), 0);
    grad.set(gH.dataSync(), nK);
    out.physics = terms.pde + terms.bc;
  });
  return out;
}

/**
 * Collocation cells of one iteration: every cell when count >= cells (fixed points), else count
 * distinct cells drawn uniformly (partial Fisher–Yates on `order`, which persists between calls), so
 * each iteration's mean r² is an unbiased estimate of the mean over all centres (stochastic PINN training).
 */
export function drawCollocation(order: Int32Array, count: number, rng: Rng): Int32Array {
  if (count >= order.length) return order;
  for (let k = 0; k < count; k++) {
    const j = k + rng.int(order.length - k);
    [order[k], order[j]] = [order[j], order[k]];
  }
  return order.slice(0, count);
}

/** A synthetic case's ln K error is traced every this many iterations (a full-grid pass of the ln K network). */
export const PINN_TRACE_EVERY = 10;

/** The ln K network at the cell centres (float64 for the solver). */
function logKAtCentres(points: PinnPoints, shape: MlpShape, params: Float32Array): Float64Array {
  const values = tf.tidy(() => {
    const x = tf.tensor2d(points.centres, [points.centres.length / 2, 2]);
    return mlp(shape, tf.tensor1d(params.subarray(0, mlpSize(shape))))(x).dataSync().slice();
  });
  return Float64Array.from(values);
}

export function runPinn(problem: InversionProblem, options: InvertOptions, onProgress?: ProgressCallback): MemberResult[] {
  const { nx, ny } = problem.darcy.grid;
  const cells = nx * ny;
  const T = problem.darcy.tests.length;
  const caseMisfit = new DataMisfit(problem.observations, cells);
  const points = pinnPoints(problem, options.pinnWellWidth);
  const hidden = { inputs: 2, width: options.pinnWidth, depth: options.pinnDepth };
  const shapes = { logK: { ...hidden, outputs: 1 }, head: { ...hidden, outputs: T } };
  const nK = mlpSize(shapes.logK);
  const size = nK + mlpSize(shapes.head);
  // The head network fits the data long before it satisfies the PDE, so the stopping rule watches
  // the whole loss in χ²/M units, χ²/M + 2·physics; MemberRun keeps history, progress and budget.
  const bookOptions: InvertOptions = { ...options, noiseTolerance: null, stallWindow: 0 };
  const adamOptions = { ...adamOptionsOf(options), learningRate: options.pinnLearningRate };
  const dataCells = sensorCells(caseMisfit);

  const runMember = (member: MemberSpec): MemberResult => {
    const start = performance.now();
    const misfit =
      options.mode === 'rml' ? caseMisfit.withData(perturbData(problem.observations, member.seed)) : caseMisfit;
    const rng = createRng(deriveSeed(member.seed, STREAM.pinnInit));
    // Small output weights: the ln K network starts near the constant pixelInitLogK (its output
    // bias), the head network near 0, so neither starts from a rough random field.
    const params = new Float32Array(size);
    params.set(initMlp(shapes.logK, rng, 0.1), 0);
    params[nK - 1] = options.pixelInitLogK;
    params.set(initMlp(shapes.head, rng, 0.1), nK);
    const grad = new Float32Array(size);
    const adam = new ArrayAdam(size, adamOptions);
    const run = new MemberRun(member, bookOptions, onProgress, truthOf(problem));
    const order = Int32Array.from(points.collocationCells);
    const collocationRng = createRng(deriveSeed(member.seed, STREAM.pinnCollocation));
    const rule = new StoppingRule({ ...options, maxIterations: options.iterations });
    let physics = 0;
    for (;;) {
      const k = run.iterations;
      const collocation = drawCollocation(order, options.pinnCollocation, collocationRng);
      const loss = pinnLossAndGradient(points, misfit, shapes, options, params, grad, collocation, dataCells);
      physics = loss.physics;
      const traced = problem.truthLogK && k % PINN_TRACE_EVERY === 0 ? logKAtCentres(points, shapes.logK, params) : undefined;
      run.record(2 * loss.misfit, physics, traced);
      // Stop before stepping, so the returned networks are the ones whose loss was recorded last.
      const reason = rule.update(k, 2 * loss.misfit + 2 * physics);
      if (reason !== null) {
        run.stopReason = reason;
        break;
      }
      adam.step(params, grad);
    }
    const logK = logKAtCentres(points, shapes.logK, params);
    const heads = solveHeads(problem.darcy, logK);
    return run.result(caseMisfit, { logK, heads, regulariser: physics }, start);
  };

  return options.members.map(runMember);
}
