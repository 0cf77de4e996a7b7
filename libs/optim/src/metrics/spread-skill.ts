// Spread/skill of an ensemble against the truth (Fortin et al. 2014, "Why should ensemble spread
// match the RMSE of the ensemble mean?", eq. 5): spread = √(mean over cells of the unbiased member
// variance), skill = RMSE of the ensemble mean, ratio = √((n+1)/n) · spread / skill. The factor
// accounts for the finite ensemble: with the truth exchangeable with n members,
// E(mean − truth)² = (1 + 1/n) σ², so a calibrated ensemble has ratio 1 in expectation;
// < 1 is over-confident, > 1 under-confident.
import { cellMoments, checkEnsemble } from './coverage.ts';

export interface SpreadSkill {
  spread: number;
  /** RMSE of the ensemble mean against the truth. */
  skill: number;
  ratio: number;
}

export function spreadSkill(members: ArrayLike<number>[], truth: ArrayLike<number>): SpreadSkill {
  const cells = checkEnsemble('spreadSkill', members, truth);
  const n = members.length;
  let variance = 0;
  let squaredError = 0;
  for (let c = 0; c < cells; c++) {
    const moments = cellMoments(members, c);
    variance += moments.variance;
    squaredError += (moments.mean - truth[c]) ** 2;
  }
  const spread = Math.sqrt(variance / cells);
  const skill = Math.sqrt(squaredError / cells);
  return { spread, skill, ratio: (Math.sqrt((n + 1) / n) * spread) / skill };
}
