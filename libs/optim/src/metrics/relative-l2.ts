// Relative L2 errors ‖estimate − truth‖₂ / ‖truth‖₂ over the full field (every cell, every test).

function checkLengths(what: string, estimate: ArrayLike<number>, truth: ArrayLike<number>): void {
  if (estimate.length !== truth.length) {
    throw new Error(`${what}: estimate has ${estimate.length} values, truth has ${truth.length}`);
  }
}

function ratio(what: string, num: number, den: number): number {
  if (den === 0) throw new Error(`${what}: truth has zero norm, the relative error is undefined`);
  return Math.sqrt(num / den);
}

/** ‖a − b‖ / ‖b‖ for two equally long fields, e.g. ln K (relative L2 of ln K). */
export function relativeL2(estimate: ArrayLike<number>, truth: ArrayLike<number>): number {
  checkLengths('relativeL2', estimate, truth);
  let num = 0;
  let den = 0;
  for (let i = 0; i < truth.length; i++) {
    const d = estimate[i] - truth[i];
    num += d * d;
    den += truth[i] * truth[i];
  }
  return ratio('relativeL2', num, den);
}

/** Relative L2 of K = exp(ln K), from the two ln K fields (no intermediate arrays). */
export function relativeL2OfK(logKEstimate: ArrayLike<number>, logKTruth: ArrayLike<number>): number {
  checkLengths('relativeL2OfK', logKEstimate, logKTruth);
  let num = 0;
  let den = 0;
  for (let i = 0; i < logKTruth.length; i++) {
    const k = Math.exp(logKTruth[i]);
    const d = Math.exp(logKEstimate[i]) - k;
    num += d * d;
    den += k * k;
  }
  return ratio('relativeL2OfK', num, den);
}

/** Relative L2 of heads over all pumping tests together: √(Σ_t ‖e_t − h_t‖²) / √(Σ_t ‖h_t‖²). */
export function relativeL2OfHeads(estimate: ArrayLike<number>[], truth: ArrayLike<number>[]): number {
  if (estimate.length !== truth.length) {
    throw new Error(`relativeL2OfHeads: estimate has ${estimate.length} tests, truth has ${truth.length}`);
  }
  let num = 0;
  let den = 0;
  for (let t = 0; t < truth.length; t++) {
    checkLengths(`relativeL2OfHeads test ${t}`, estimate[t], truth[t]);
    const e = estimate[t];
    const h = truth[t];
    for (let i = 0; i < h.length; i++) {
      const d = e[i] - h[i];
      num += d * d;
      den += h[i] * h[i];
    }
  }
  return ratio('relativeL2OfHeads', num, den);
}
