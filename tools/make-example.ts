// Writes the shipped example examples/layered/: a 64 x 64 layered ln K (horizontal layers of
// random thickness and ln K, plus a mild smooth perturbation) and two pumping tests.
// Run: npx tsx tools/make-example.ts   (deterministic: fixed seeds)
import { mkdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { writeNpy } from '@ldinv/fields';
import { fourierField } from '@ldinv/solver';
import { createRng, writeFileAtomic } from '@ldinv/tensor';

const DIR = fileURLToPath(new URL('../examples/layered/', import.meta.url));
const N = 64;

export function layeredLogK(n: number, seed: number): Float64Array {
  const rng = createRng(seed);
  const layerOf = new Float64Array(n);
  for (let j = 0; j < n; ) {
    const thickness = 3 + rng.int(10);
    const value = 1.5 * rng.normal();
    for (let t = 0; t < thickness && j < n; t++) layerOf[j++] = value;
  }
  const wiggle = fourierField({ nx: n, ny: n }, { seed: seed + 1, sigma: 0.3 });
  return wiggle.map((w, c) => layerOf[Math.floor(c / n)] + w);
}

const WELLS = 'x,y,rate,test\n0.25,0.5,-0.5,0\n0.75,0.3,-0.5,1\n0.6,0.8,0.25,1\n';

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  mkdirSync(DIR, { recursive: true });
  writeNpy(`${DIR}logk.npy`, Float32Array.from(layeredLogK(N, 2024)), [N, N]);
  writeFileAtomic(`${DIR}wells.csv`, WELLS);
  console.log(`wrote ${DIR}logk.npy (${N}x${N} ln K, <f4) and ${DIR}wells.csv (2 pumping tests)`);
}
