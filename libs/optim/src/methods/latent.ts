// The latent methods: `ldim` (LD-DIM: decoder + diffusion regulariser) and `vae` (decoder + N(0, I)
// penalty). Unknown: a latent z per member, ln K = decode(z), loss = Φ(h(ln K)) + λ R(z), Adam on z.
// The members of a batch go through the decoder, the solver and the denoiser together; a member that
// stops leaves the batch, the others go on.
//
// ldim with param 'noise': the unknown is the initial noise z_T of the deterministic DDIM chain
// (η = 0), z = chain(z_T), ln K = decode(z), and R = ½|z_T|²/dim: the chain maps N(0, I) onto the
// prior, so −log p(z_T) is the exact prior term on this manifold and needs no score estimate; the
// price is a backward pass through initSteps denoiser calls per iteration. Start: the member's
// N(0, I) draw itself (the same prior sample the 'latent' parametrisation starts from).
//
// Data gradient: tf.grad through z (or z_T -> chain) -> decode -> ln K -> darcySolveOp (heads;
// backward = adjoint solves on the factor kept from the forward pass) -> misfit op (Φ per member;
// misfit-op.ts). Regulariser gradient: score distillation (ldim latent) or z/dim (vae, ldim noise),
// added outside the tape, with each member's adaptive λ (adaptive-weight.ts).
// ldim then runs the refine stage (refine.ts) on each member once the batch's descent is over.
// The tf path carries float32; the reported final heads and χ²/M are recomputed in float64.
import type { Prior } from '@ldinv/prior';
import { darcySolveOp, solveHeads } from '@ldinv/solver';
import { createRng, deriveSeed, tf, tidyValues, type Rng } from '@ldinv/tensor';
import { ArrayAdam } from '../adam.ts';
import { adamOptionsOf, type InvertOptions, type MemberSpec } from '../invert-options.ts';
import { MemberRun, type MemberResult, type ProgressCallback } from '../member-run.ts';
import { DataMisfit } from '../objectives/data-misfit.ts';
import { AdaptiveWeight } from '../objectives/adaptive-weight.ts';
import { annealedTimestep, scoreDistillation } from '../objectives/diffusion-regulariser.ts';
import { gaussianLatentPenalty } from '../objectives/gaussian-latent.ts';
import { linearFunctionalOfHeads, misfitOfHeads, type MisfitEvaluation } from '../objectives/misfit-op.ts';
import { perturbData } from '../objectives/rml-perturbation.ts';
import { truthOf, type InversionProblem } from '../problem.ts';
import { STREAM } from '../streams.ts';
import { refineMember } from './refine.ts';

interface LatentMember {
  spec: MemberSpec;
  misfit: DataMisfit;
  z: Float32Array;
  adam: ArrayAdam;
  run: MemberRun;
  rng: Rng;
  weight: AdaptiveWeight;
  start: number;
  /** Set when the member stops: its ln K (float32 values of the tf path) and λR at that iteration. */
  stopped: { logK: Float32Array; regulariser: number } | null;
}

/** A member after the latent descent: its unknowns and the book-keeping its next stage continues. */
export interface DescendedMember {
  spec: MemberSpec;
  /** The unknowns at the last iteration: z, or z_T with param 'noise'. */
  z: Float32Array;
  run: MemberRun;
  /** λ at the end (adaptive-weight.ts may have lowered it). */
  priorWeight: number;
  /** performance.now() when the member started. */
  start: number;
  /** ln K at the last iteration (float32 values of the tf path) and λR there. */
  logK: Float32Array;
  regulariser: number;
  /** The data the member fitted (its perturbed data under rml). */
  misfit: DataMisfit;
}

/**
 * Start latents, one stream per member so that a start does not depend on the batch: vae (and ldim
 * with param 'noise', whose unknown is z_T) starts at z ~ N(0, I); ldim pushes that draw through the
 * prior's deterministic DDIM chain (a prior sample), batched.
 */
function startLatents(prior: Prior, options: InvertOptions, dim: number): Float32Array {
  const [h, w, c] = prior.manifest.latentShape;
  const B = options.members.length;
  const z = new Float32Array(B * dim);
  options.members.forEach((member, b) => {
    const rng = createRng(deriveSeed(member.seed, STREAM.latentStart));
    for (let i = b * dim; i < (b + 1) * dim; i++) z[i] = rng.normal();
  });
  if (options.method !== 'ldim' || options.param === 'noise') return z;
  return tidyValues(() => prior.ddimChain(tf.tensor4d(z, [B, h, w, c]), options.initSteps));
}

export interface BatchDataGradient {
  /** ∂(Σ_b Φ_b)/∂(unknowns), packed like the unknowns. */
  gradient: Float32Array;
  /** ln K of every member, [A, ny, nx] row-major. */
  logK: Float32Array;
  /** Φ_b and heads per member. */
  evaluations: MisfitEvaluation[];
}

/**
 * Data term of a batch of A members and its gradient w.r.t. their unknowns (packed [A, h, w, c]):
 * the latents z, or with chainSteps the noises z_T, z = DDIM chain (η = 0) of z_T in chainSteps steps.
 */
export function batchDataGradient(
  prior: Prior, solve: (logK: tf.Tensor3D) => tf.Tensor4D, misfits: readonly DataMisfit[], unknowns: Float32Array, chainSteps: number | null,
): BatchDataGradient {
  const [h, w, c] = prior.manifest.latentShape;
  const A = misfits.length;
  const evaluations: MisfitEvaluation[] = [];
  let logK = new Float32Array(0); // set inside the tape
  const gradient = tidyValues(() => {
    const z = tf.tensor4d(unknowns, [A, h, w, c]);
    const misfit = misfitOfHeads(misfits, evaluations);
    const J = (zz: tf.Tensor) => {
      const field = fieldOfUnknowns(prior, zz as tf.Tensor4D, chainSteps);
      logK = (field.dataSync() as Float32Array).slice();
      return misfit(solve(field));
    };
    return tf.grad(J)(z);
  });
  return { gradient, logK, evaluations };
}

/** ln K [A, ny, nx] of unknowns [A, h, w, c]: decode(z), or decode(DDIM chain(z_T)) with chainSteps. */
function fieldOfUnknowns(prior: Prior, unknowns: tf.Tensor4D, chainSteps: number | null): tf.Tensor3D {
  return prior.decode(chainSteps === null ? unknowns : prior.ddimChain(unknowns, chainSteps));
}

/** ln K of a batch of unknowns (packed [A, h, w, c]) without a tape: the forward pass alone. */
export function batchLogK(prior: Prior, unknowns: Float32Array, chainSteps: number | null): Float32Array {
  const [h, w, c] = prior.manifest.latentShape;
  const A = unknowns.length / (h * w * c);
  return tidyValues(() => fieldOfUnknowns(prior, tf.tensor4d(unknowns, [A, h, w, c]), chainSteps));
}

/**
 * Rows of the whitened Jacobian Ĵ = ∂(G/σ)/∂(unknowns) at one point (G the predicted data, σ their
 * standard deviations; one row per datum, tests in order): one backward pass per datum through the
 * same path as the descent's gradient, `chunk` data per batched pass.
 */
export function whitenedJacobian(
  prior: Prior, solve: (logK: tf.Tensor3D) => tf.Tensor4D, misfit: DataMisfit, unknowns: Float32Array, chainSteps: number | null, chunk: number,
): Float64Array[] {
  const [h, w, c] = prior.manifest.latentShape;
  const dim = h * w * c;
  const sensitivities = misfit.whitenedSensitivities();
  const rows: Float64Array[] = [];
  for (let first = 0; first < sensitivities.length; first += chunk) {
    const weights = sensitivities.slice(first, first + chunk);
    const A = weights.length;
    const packed = new Float32Array(A * dim);
    for (let b = 0; b < A; b++) packed.set(unknowns, b * dim);
    const gradient = tidyValues(() => {
      const functional = linearFunctionalOfHeads(weights);
      return tf.grad((zz: tf.Tensor) => functional(solve(fieldOfUnknowns(prior, zz as tf.Tensor4D, chainSteps))))(tf.tensor4d(packed, [A, h, w, c]));
    });
    for (let b = 0; b < A; b++) rows.push(Float64Array.from(gradient.subarray(b * dim, (b + 1) * dim)));
  }
  return rows;
}

/** ldim and vae: the latent descent, then (ldim) the refine stage of every member. */
export function runLatent(problem: InversionProblem, prior: Prior, options: InvertOptions, onProgress?: ProgressCallback): MemberResult[] {
  const caseMisfit = new DataMisfit(problem.observations, problem.darcy.grid.nx * problem.darcy.grid.ny);
  const refine = options.method === 'ldim' && options.refineIterations > 0;
  return descendLatents(problem, prior, options, onProgress).map((m) => {
    let logK: Float64Array = Float64Array.from(m.logK);
    let heads: Float64Array[];
    let regulariser = m.regulariser;
    let refineFrom: number | undefined;
    if (refine) {
      const r = refineMember(problem, m.misfit, logK, m.run, options);
      ({ logK, heads, regulariser, refineFrom } = r);
    } else {
      heads = solveHeads(problem.darcy, logK);
    }
    return {
      ...m.run.result(caseMisfit, { logK, heads, regulariser }, m.start),
      ...(refineFrom === undefined ? {} : { refineFrom }),
      priorWeight: m.priorWeight,
    };
  });
}

/**
 * The latent stage of every member of options.members, batched: Adam on z (or z_T) until each member's
 * stopping rule ends it. Its histories go on in the returned members' runs.
 */
export function descendLatents(problem: InversionProblem, prior: Prior, options: InvertOptions, onProgress?: ProgressCallback): DescendedMember[] {
  const [h, w, c] = prior.manifest.latentShape;
  const dim = h * w * c;
  const { nx, ny } = problem.darcy.grid;
  const cells = nx * ny;
  const B = options.members.length;
  const noiseParam = options.method === 'ldim' && options.param === 'noise';
  const diffusion = options.method === 'ldim' && !noiseParam;
  const caseMisfit = new DataMisfit(problem.observations, cells);
  // λ is in units of the Bayesian weight: Φ = χ²/(2M) and R ≈ ½|z|²/dim, so λ·dim/M makes Φ + λR
  // the negative log-posterior per datum. Sparse data then lean on the prior, dense data on themselves.
  const bayesWeight = dim / caseMisfit.count;
  const starts = startLatents(prior, options, dim);
  const members: LatentMember[] = options.members.map((spec, b) => ({
    spec,
    misfit: options.mode === 'rml' ? caseMisfit.withData(perturbData(problem.observations, spec.seed)) : caseMisfit,
    z: starts.slice(b * dim, (b + 1) * dim),
    adam: new ArrayAdam(dim, adamOptionsOf(options)),
    run: new MemberRun(spec, options, onProgress, truthOf(problem)),
    rng: createRng(deriveSeed(spec.seed, STREAM.diffusion)),
    weight: new AdaptiveWeight(options),
    start: performance.now(),
    stopped: null,
  }));
  // Batch buffers, allocated once.
  const zBatch = new Float32Array(B * dim);
  const epsBatch = new Float32Array(B * dim);
  const tBatch = new Int32Array(B);
  const gradPrior = new Float64Array(B * dim);
  const grad = new Float64Array(dim);
  const T = prior.scheduler.T;
  const solve = darcySolveOp(problem.darcy);

  for (;;) {
    const active = members.filter((m) => m.stopped === null);
    if (active.length === 0) break;
    const A = active.length;
    active.forEach((m, a) => zBatch.set(m.z, a * dim));
    const { gradient: gradData, logK, evaluations } = batchDataGradient(
      prior, solve, active.map((m) => m.misfit), zBatch.subarray(0, A * dim), noiseParam ? options.initSteps : null,
    );

    let priorValues: Float64Array;
    if (diffusion) {
      active.forEach((m, a) => {
        tBatch[a] = annealedTimestep(m.run.iterations, options.iterations, T, m.rng.uniform(), options);
        for (let i = a * dim; i < (a + 1) * dim; i++) epsBatch[i] = m.rng.normal();
      });
      priorValues = scoreDistillation(prior, zBatch, epsBatch, tBatch.subarray(0, A), gradPrior);
    } else {
      priorValues = Float64Array.from(active, (m, a) => gaussianLatentPenalty(m.z, gradPrior.subarray(a * dim, (a + 1) * dim)));
    }

    active.forEach((m, a) => {
      const chiSquared = 2 * evaluations[a].value;
      const reported = m.weight.value * bayesWeight * priorValues[a];
      const memberLogK = logK.subarray(a * cells, (a + 1) * cells);
      if (m.run.record(chiSquared, reported, memberLogK)) {
        m.stopped = { logK: memberLogK.slice(), regulariser: reported };
        return;
      }
      const lambda = m.weight.update(chiSquared) * bayesWeight;
      for (let i = 0; i < dim; i++) grad[i] = gradData[a * dim + i] + lambda * gradPrior[a * dim + i];
      m.adam.step(m.z, grad);
    });
  }
  return members.map((m) => ({
    spec: m.spec, z: m.z, run: m.run, priorWeight: m.weight.value, start: m.start, misfit: m.misfit,
    logK: m.stopped!.logK, regulariser: m.stopped!.regulariser,
  }));
}
