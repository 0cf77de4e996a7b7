import type { DarcyProblem, Site } from '@ldinv/solver';
import { createRng, initBackend, taylorTest } from '@ldinv/tensor';
import { beforeAll, describe, expect, it } from 'vitest';
import { resolveInvertOptions } from '../invert-options.ts';
import { invert } from '../invert.ts';
import { relativeL2 } from '../metrics/relative-l2.ts';
import { DataMisfit } from '../objectives/data-misfit.ts';
import { cellCentres, cellField, smallSite, syntheticProblem } from '../test-cases.fixture.ts';
import { initMlp, mlpSize } from './pinn-network.ts';
import { drawCollocation, PINN_TRACE_EVERY, pinnLossAndGradient, pinnPoints } from './pinn.ts';

beforeAll(async () => {
  await initBackend({ backend: 'wasm' });
});

const smooth = (x: number, y: number) => 1 + 0.5 * Math.sin(2 * Math.PI * x) * Math.sin(Math.PI * y);

describe('pinn', () => {
  it('total loss Φ + physics falls >= 10x in 200 iterations on a 16x16 flow case (no-flow sides)', async () => {
    const grid = { nx: 16, ny: 16 };
    const { problem } = syntheticProblem({ grid, bc: 'flow', tests: [[]] }, cellField(grid, smooth), cellCentres(grid), 1e-2);
    const result = await invert(problem, null, {
      method: 'pinn', iterations: 200, pinnWidth: 16, pinnDepth: 2, noiseTolerance: null, stallWindow: 0,
    });
    const { misfit, regulariser } = result.members[0].history;
    const total = (k: number) => misfit[k] / 2 + regulariser[k];
    expect(total(199)).toBeLessThan(total(0) / 10); // measured ~2000x
    expect(regulariser[199]).toBeLessThan(regulariser[0]);
  });

  it('keeps the level of ln K at its start when no test has a source (gauge); the gauge is off otherwise', async () => {
    const grid = { nx: 16, ny: 16 };
    const { problem } = syntheticProblem({ grid, bc: 'flow', tests: [[]] }, cellField(grid, smooth), cellCentres(grid), 1e-2);
    const r = await invert(problem, null, {
      method: 'pinn', iterations: 150, pinnWidth: 16, pinnDepth: 2, noiseTolerance: null, stallWindow: 0, pixelInitLogK: 0.3,
    });
    const level = r.members[0].logK.reduce((a, b) => a + b, 0) / r.members[0].logK.length;
    // flow without wells: heads are blind to the level; the gauge holds it at the start's 0.3.
    expect(Math.abs(level - 0.3)).toBeLessThan(0.05);
    const sourceFree = (bc: 'flow' | 'source', tests: { x: number; y: number; rate: number }[][]) =>
      pinnPoints(syntheticProblem({ grid, bc, tests }, cellField(grid, smooth), cellCentres(grid), 1e-2).problem, 2).sourceFree;
    expect(sourceFree('flow', [[]])).toBe(true);
    expect(sourceFree('flow', [[], [{ x: 0.3, y: 0.6, rate: 1 }]])).toBe(false);
    expect(sourceFree('source', [[]])).toBe(false);
  });

  it('recovers a smooth ln K from dense noise-free heads (source setup, one test with a well) on 16x16', async () => {
    const grid = { nx: 16, ny: 16 };
    const truth = cellField(grid, smooth);
    const darcy = { grid, bc: 'source' as const, tests: [[], [{ x: 0.3, y: 0.6, rate: 1 }]] };
    const { problem } = syntheticProblem(darcy, truth, cellCentres(grid), 1e-2);
    problem.truthLogK = truth;
    const result = await invert(problem, null, {
      method: 'pinn', iterations: 400, noiseTolerance: null, stallWindow: 0,
    });
    const [member] = result.members;
    const error = relativeL2(member.logK, truth);
    // The start (ln K = 0) has error 1; the best constant (the truth's mean) 0.24. The PINN's ln K
    // must beat both (measured 0.22), and its finite-volume heads must fit the data (measured χ²/M 0.04).
    const mean = truth.reduce((a, b) => a + b, 0) / truth.length;
    expect(error).toBeLessThan(relativeL2(new Float64Array(truth.length).fill(mean), truth));
    expect(member.misfit).toBeLessThan(0.5);
    expect(member.iterations).toBe(400);
    expect(member.stopReason).toBe('max-iterations');
    // The ln K error is traced every PINN_TRACE_EVERY iterations (NaN between), from the start's 1.
    const trace = member.history.logKError!;
    expect(trace).toHaveLength(400);
    expect(trace[0]).toBeCloseTo(1, 2);
    expect(trace[390]).toBeLessThan(0.5);
    expect(Number.isNaN(trace[391])).toBe(true);
    expect(trace.filter((v) => !Number.isNaN(v))).toHaveLength(400 / PINN_TRACE_EVERY);
  });

  it('gives the same members for the same seeds (rml) and different ones for other seeds', async () => {
    const grid = { nx: 8, ny: 8 };
    const { problem } = syntheticProblem({ grid, bc: 'source', tests: [[]] }, cellField(grid, (x, y) => x - y), cellCentres(grid), 1e-2);
    const options = {
      method: 'pinn' as const, mode: 'rml' as const, iterations: 10, pinnWidth: 8, pinnDepth: 2,
      members: [{ index: 0, seed: 11 }, { index: 1, seed: 12 }],
    };
    const progress: number[] = [];
    const a = await invert(problem, null, options, (p) => progress.push(p.member));
    const b = await invert(problem, null, options);
    expect(b.members.map((m) => m.logK)).toEqual(a.members.map((m) => m.logK));
    expect(b.members.map((m) => m.history.misfit)).toEqual(a.members.map((m) => m.history.misfit));
    expect(relativeL2(a.members[0].logK, a.members[1].logK)).toBeGreaterThan(0.01);
    expect(progress.filter((m) => m === 1).length).toBe(a.members[1].iterations);
  });

  it('stops at the noise level of the whole loss χ²/M + 2·physics, not of χ²/M alone', async () => {
    const grid = { nx: 8, ny: 8 };
    const { problem } = syntheticProblem({ grid, bc: 'source', tests: [[]] }, cellField(grid, smooth), cellCentres(grid), 1e-2);
    const options = { method: 'pinn' as const, iterations: 60, pinnWidth: 8, pinnDepth: 2, stallWindow: 0 };
    const reference = await invert(problem, null, { ...options, noiseTolerance: null });
    const { misfit, regulariser } = reference.members[0].history;
    const total = misfit.map((m, k) => m + 2 * regulariser[k]);
    const threshold = total[40]; // a level the run reaches
    const first = total.findIndex((v) => v <= threshold);
    const stopped = await invert(problem, null, { ...options, noiseTolerance: threshold - 1 });
    expect(stopped.members[0].stopReason).toBe('noise-level');
    expect(stopped.members[0].iterations).toBe(first + 1);
    // χ²/M alone reached that level earlier (the head network fits before it obeys the PDE).
    expect(misfit.findIndex((v) => v <= threshold)).toBeLessThan(first);
  });

  it('gradient in the network weights passes a Taylor test (data + PDE + boundary terms)', () => {
    const grid = { nx: 6, ny: 6 };
    const darcy = { grid, bc: 'flow' as const, tests: [[], [{ x: 0.4, y: 0.5, rate: 0.5 }]] };
    const { problem } = syntheticProblem(darcy, cellField(grid, smooth), cellCentres(grid), 0.1);
    const options = resolveInvertOptions({ method: 'pinn', pinnWidth: 6, pinnDepth: 2, pinnWellWidth: 1.5 });
    const hidden = { inputs: 2, width: 6, depth: 2 };
    const shapes = { logK: { ...hidden, outputs: 1 }, head: { ...hidden, outputs: 2 } };
    const rng = createRng(5);
    const theta = Float64Array.from([...initMlp(shapes.logK, rng), ...initMlp(shapes.head, rng)]);
    const size = theta.length;
    expect(size).toBe(mlpSize(shapes.logK) + mlpSize(shapes.head));
    const points = pinnPoints(problem, options.pinnWellWidth);
    const misfit = new DataMisfit(problem.observations, 36);
    const grad = new Float32Array(size);
    const collocation = Int32Array.from({ length: 36 }, (_, c) => c);
    const J = (m: Float64Array) => {
      const l = pinnLossAndGradient(points, misfit, shapes, options, Float32Array.from(m), grad, collocation);
      return { value: l.misfit + l.physics, gradient: Float64Array.from(grad) };
    };
    const dm = Float64Array.from({ length: size }, () => rng.normal());
    // float32 evaluation: steps large enough that ε² terms stay above rounding (measured rates ~2.0).
    const { rates } = taylorTest(J, theta, dm, { eps0: 2e-2, halvings: 3 });
    expect(Math.min(...rates)).toBeGreaterThan(1.9);
  });

  it('draws distinct collocation cells, uniformly, and all cells when asked for as many', () => {
    const order = Int32Array.from({ length: 100 }, (_, c) => c);
    const rng = createRng(1);
    const hits = new Float64Array(100);
    for (let k = 0; k < 2000; k++) {
      const drawn = drawCollocation(order, 25, rng);
      expect(new Set(drawn).size).toBe(25);
      drawn.forEach((c) => hits[c]++);
    }
    // Each cell is drawn with probability 1/4: 500 ± 19 (binomial std) per cell over 2000 draws.
    expect(Math.min(...hits)).toBeGreaterThan(500 - 5 * 19.4);
    expect(Math.max(...hits)).toBeLessThan(500 + 5 * 19.4);
    expect([...drawCollocation(order, 100, rng)].sort((a, b) => a - b)).toEqual([...order.keys()]);
  });

  it('poses a site in scaled coordinates: points of every boundary kind, collocation at unknown cells only', () => {
    const { darcy, truth, sensors } = smallSite();
    const { problem } = syntheticProblem(darcy, truth, sensors, 0.01);
    const p = pinnPoints(problem, 2);
    expect(p.alpha).toBeCloseTo(9, 12);
    // 96 cells - 4 inactive - 8 fixed.
    expect(p.collocationCells).toHaveLength(84);
    // Dirichlet: 8 fixed-head centres + 11 north faces of unknown cells (the 12th is fixed).
    expect(p.dirichlet.length / 2).toBe(8 + 11);
    // Flux: the 8 west faces; no-flow: 11 south faces + the 8 faces around the inactive block.
    expect(p.flux.length / 2).toBe(8);
    expect(p.noFlow.length / 2).toBe(11 + 8);
    expect(Array.from(p.fluxNormal.subarray(0, 2))).toEqual([-1, 0]);
    // Scaled inflow q lx / (b Δh), and heads h0 + Δh h' spanning the data and prescribed heads.
    expect(p.fluxValue[0]).toBeCloseTo((0.5 * 1200) / (10 * p.headScale), 4);
    const scaledNorth = (21 - p.headOffset) / p.headScale;
    expect(Array.from(p.dirichletValue).some((v) => Math.abs(v - scaledNorth) < 1e-6)).toBe(true);
    expect(Math.max(...p.dirichletValue.map(Math.abs))).toBeLessThanOrEqual(1 + 1e-6);
  });

  it("scales a site's sources and side inflow so that the finite-volume solution makes the residual and the Neumann term vanish", () => {
    // Uniform K = 4 on 10 x 2 cells of 100 m x 30 m, b = 5: inflow q = 0.3 on the west, recharge R = 1e-3,
    // fixed heads in the east column. The heads are the quadratic h = C − (q/T) x − R x²/(2T), which
    // finite volumes reproduce exactly, so their differences give h_xx and h_x(0) exactly.
    const [nx, ny, lx, ly, b, K, q, R] = [10, 2, 1000, 60, 5, 4, 0.3, 1e-3];
    const T = K * b;
    const fixedHeads = new Float64Array(nx * ny).fill(NaN);
    const exact = (x: number) => 50 - (q / T) * x - (R * x * x) / (2 * T);
    for (let j = 0; j < ny; j++) fixedHeads[j * nx + nx - 1] = exact((nx - 0.5) * (lx / nx));
    const site: Site = { domain: { x0: 0, y0: 0, lx, ly }, thickness: b, fixedHeads, recharge: R, sides: { west: { type: 'flux', value: q } } };
    const darcy: DarcyProblem = { grid: { nx, ny }, bc: site, tests: [[]] };
    const logK = new Float64Array(nx * ny).fill(Math.log(K));
    const sensors = [{ x: 250, y: 30 }, { x: 650, y: 30 }];
    const { problem, heads } = syntheticProblem(darcy, logK, sensors, 0.01);
    const h = heads[0];
    const dx = lx / nx;
    const p = pinnPoints(problem, 2);
    // PDE: e^Y h'_uu + forcing = 0 with h'_uu = h_xx lx² / Δh (h_xx from a second difference).
    const hxx = (h[2] - 2 * h[1] + h[0]) / dx ** 2;
    expect(hxx).toBeCloseTo(-R / T, 12);
    expect(p.forcing[1] / (-K * ((hxx * lx * lx) / p.headScale))).toBeCloseTo(1, 5);
    // Neumann: e^Y ∂h'/∂n on the west (outward −x) with h_x(0) = (h1 − h0)/dx − h_xx dx.
    const hx0 = (h[1] - h[0]) / dx - hxx * dx;
    expect(p.fluxValue[0] / (K * ((-hx0 * lx) / p.headScale))).toBeCloseTo(1, 5);
  });

  it('runs on a site: total loss Φ + physics falls >= 10x in 200 iterations', async () => {
    const { darcy, truth, sensors } = smallSite();
    const { problem } = syntheticProblem(darcy, truth, sensors, 0.01);
    const result = await invert(problem, null, {
      method: 'pinn', iterations: 200, pinnWidth: 16, pinnDepth: 2, noiseTolerance: null, stallWindow: 0, pixelInitLogK: Math.log(5),
    });
    const { misfit, regulariser } = result.members[0].history;
    const total = (k: number) => misfit[k] / 2 + regulariser[k];
    expect(total(199)).toBeLessThan(total(0) / 10);
    expect(result.members[0].logK.every(Number.isFinite)).toBe(true);
  });

  it('gradient on a site passes a Taylor test (data, anisotropic PDE, Dirichlet, no-flow and flux terms)', () => {
    const { darcy, truth, sensors } = smallSite();
    const { problem } = syntheticProblem(darcy, truth, sensors, 0.05);
    const options = resolveInvertOptions({ method: 'pinn', pinnWidth: 6, pinnDepth: 2, pinnWellWidth: 1.5 });
    const hidden = { inputs: 2, width: 6, depth: 2 };
    const shapes = { logK: { ...hidden, outputs: 1 }, head: { ...hidden, outputs: 2 } };
    const rng = createRng(8);
    const theta = Float64Array.from([...initMlp(shapes.logK, rng), ...initMlp(shapes.head, rng)]);
    const points = pinnPoints(problem, options.pinnWellWidth);
    const misfit = new DataMisfit(problem.observations, 96);
    const grad = new Float32Array(theta.length);
    const J = (m: Float64Array) => {
      const l = pinnLossAndGradient(points, misfit, shapes, options, Float32Array.from(m), grad, points.collocationCells);
      return { value: l.misfit + l.physics, gradient: Float64Array.from(grad) };
    };
    const dm = Float64Array.from({ length: theta.length }, () => rng.normal());
    const { rates } = taylorTest(J, theta, dm, { eps0: 2e-2, halvings: 3 });
    expect(Math.min(...rates)).toBeGreaterThan(1.9);
  });

  it('rejects bad pinn options with one line naming the option', async () => {
    const grid = { nx: 4, ny: 4 };
    const { problem } = syntheticProblem({ grid, bc: 'source', tests: [[]] }, new Float64Array(16), cellCentres(grid), 1);
    await expect(invert(problem, null, { method: 'pinn', pinnWidth: 0 })).rejects.toThrow('invert option pinnWidth must be an integer >= 1, got 0');
    await expect(invert(problem, null, { method: 'pinn', pinnDepth: 1.5 })).rejects.toThrow('invert option pinnDepth must be an integer >= 1, got 1.5');
    await expect(invert(problem, null, { method: 'pinn', pinnLearningRate: -1 })).rejects.toThrow('invert option pinnLearningRate must be > 0, got -1');
    await expect(invert(problem, null, { method: 'pinn', pinnWellWidth: 0 })).rejects.toThrow('invert option pinnWellWidth must be > 0, got 0');
    await expect(invert(problem, null, { method: 'pinn', pinnCollocation: 0 })).rejects.toThrow('invert option pinnCollocation must be an integer >= 1, got 0');
    await expect(invert(problem, null, { method: 'pinn', pinnPdeWeight: Number.NaN })).rejects.toThrow('invert option pinnPdeWeight must be >= 0, got null');
  });
});
