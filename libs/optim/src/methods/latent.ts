// The latent methods: `ldim` (LD-DIM: decoder + diffusion regulariser) and `vae` (decoder + N(0, I)
// penalty). Unknown: a latent z per member, ln K = decode(z), loss = Φ(h(ln K)) + λ R(z), Adam on z.
// The members of a batch go through the decoder, the solver and the denoiser together; a member that
// stops leaves the batch, the others go on.
//
// Data gradient: tf.grad through z -> decode -> ln K -> darcySolveOp (heads; backward = adjoint solves
// on the factor kept from the forward pass) -> misfit op (Φ per member; misfit-op.ts).
// Regulariser gradient: score distillation (ldim) or z/dim (vae), added outside the tape.
// The tf path carries float32; the reported final heads and χ²/M are recomputed in float64.
import type { Prior } from '@ldinv/prior';
import { darcySolveOp, solveHeads } from '@ldinv/solver';
import { createRng, deriveSeed, tf, type Rng } from '@ldinv/tensor';
import { Adam } from '../adam.ts';
import { adamOptionsOf, type InvertOptions, type MemberSpec } from '../invert-options.ts';
import { MemberRun, type MemberResult, type ProgressCallback } from '../member-run.ts';
import { DataMisfit } from '../objectives/data-misfit.ts';
import { annealedTimestep, scoreDistillation } from '../objectives/diffusion-regulariser.ts';
import { gaussianLatentPenalty } from '../objectives/gaussian-latent.ts';
import { misfitOfHeads, type MisfitEvaluation } from '../objectives/misfit-op.ts';
import { perturbData } from '../objectives/rml-perturbation.ts';
import type { InversionProblem } from '../problem.ts';
import { STREAM } from '../streams.ts';

interface LatentMember {
  spec: MemberSpec;
  misfit: DataMisfit;
  z: Float32Array;
  adam: Adam;
  run: MemberRun;
  rng: Rng;
  start: number;
  result: MemberResult | null;
}

/**
 * Start latents, one stream per member so that a start does not depend on the batch: vae starts at
 * z ~ N(0, I); ldim pushes that draw through the prior's deterministic DDIM chain (a prior sample),
 * batched.
 */
function startLatents(prior: Prior, options: InvertOptions, dim: number): Float32Array {
  const [h, w, c] = prior.manifest.latentShape;
  const B = options.members.length;
  const z = new Float32Array(B * dim);
  options.members.forEach((member, b) => {
    const rng = createRng(deriveSeed(member.seed, STREAM.latentStart));
    for (let i = b * dim; i < (b + 1) * dim; i++) z[i] = rng.normal();
  });
  if (options.method !== 'ldim') return z;
  return tf.tidy(() => prior.ddimChain(tf.tensor4d(z, [B, h, w, c]), options.initSteps).dataSync() as Float32Array).slice();
}

export function runLatent(problem: InversionProblem, prior: Prior, options: InvertOptions, onProgress?: ProgressCallback): MemberResult[] {
  const [h, w, c] = prior.manifest.latentShape;
  const dim = h * w * c;
  const { nx, ny } = problem.darcy.grid;
  const cells = nx * ny;
  const B = options.members.length;
  const lambda = options.priorWeight;
  const caseMisfit = new DataMisfit(problem.observations, cells);
  const starts = startLatents(prior, options, dim);
  const members: LatentMember[] = options.members.map((spec, b) => ({
    spec,
    misfit: options.mode === 'rml' ? caseMisfit.withData(perturbData(problem.observations, spec.seed)) : caseMisfit,
    z: starts.slice(b * dim, (b + 1) * dim),
    adam: new Adam(dim, adamOptionsOf(options)),
    run: new MemberRun(spec, options, onProgress),
    rng: createRng(deriveSeed(spec.seed, STREAM.diffusion)),
    start: performance.now(),
    result: null,
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
    const active = members.filter((m) => m.result === null);
    if (active.length === 0) break;
    const A = active.length;
    active.forEach((m, a) => zBatch.set(m.z, a * dim));
    const evaluations: MisfitEvaluation[] = [];
    let logK = new Float32Array(0); // set inside the tape
    const gradData = tf.tidy(() => {
      const z = tf.tensor4d(zBatch.subarray(0, A * dim), [A, h, w, c]);
      const misfit = misfitOfHeads(active.map((m) => m.misfit), evaluations);
      const J = (zz: tf.Tensor) => {
        const field = prior.decode(zz as tf.Tensor4D);
        logK = (field.dataSync() as Float32Array).slice();
        return misfit(solve(field));
      };
      // slice(): a backend may hand out its own storage, which tidy() is about to release.
      return (tf.grad(J)(z).dataSync() as Float32Array).slice();
    });

    let priorValues: Float64Array;
    if (options.method === 'ldim') {
      active.forEach((m, a) => {
        tBatch[a] = annealedTimestep(m.run.iterations, options.iterations, T, m.rng.uniform(), options);
        for (let i = a * dim; i < (a + 1) * dim; i++) epsBatch[i] = m.rng.normal();
      });
      priorValues = scoreDistillation(prior, zBatch, epsBatch, tBatch.subarray(0, A), gradPrior);
    } else {
      priorValues = Float64Array.from(active, (m, a) => gaussianLatentPenalty(m.z, gradPrior.subarray(a * dim, (a + 1) * dim)));
    }

    active.forEach((m, a) => {
      const e = evaluations[a];
      if (m.run.record(2 * e.value, lambda * priorValues[a])) {
        const field = Float64Array.from(logK.subarray(a * cells, (a + 1) * cells));
        const heads = solveHeads(problem.darcy, field);
        m.result = {
          index: m.spec.index,
          seed: m.spec.seed,
          logK: field,
          heads,
          predicted: caseMisfit.predicted(heads),
          misfit: caseMisfit.chiSquared(heads),
          regulariser: lambda * priorValues[a],
          history: m.run.history(),
          iterations: m.run.iterations,
          stopReason: m.run.stopReason!,
          timeMs: performance.now() - m.start,
        };
        return;
      }
      for (let i = 0; i < dim; i++) grad[i] = gradData[a * dim + i] + lambda * gradPrior[a * dim + i];
      m.adam.step(m.z, grad);
    });
  }
  return members.map((m) => m.result!);
}
