// Random streams of a member: each purpose draws from createRng(deriveSeed(memberSeed, stream)), so
// adding draws for one purpose never shifts another's, and a member's numbers depend only on its seed.
export const STREAM = {
  /** RML data perturbation. */
  rml: 1,
  /** Pixel method start noise. */
  pixelStart: 2,
  /** Latent start of ldim / vae members. */
  latentStart: 3,
  /** Diffusion times and noise of the score-distillation regulariser. */
  diffusion: 4,
  /** Initial weights of the pinn method's networks. */
  pinnInit: 5,
  /** Collocation points drawn per iteration by the pinn method. */
  pinnCollocation: 6,
  /** Proposals and acceptance draws of a member's Markov chain (mode mcmc). */
  mcmc: 7,
} as const;
