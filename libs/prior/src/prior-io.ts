import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { tf, writeFileAtomic } from '@ldinv/tensor';
import { Denoiser } from './denoiser.ts';
import { type PriorManifest, validateManifest } from './manifest.ts';
import { LatentWhitening } from './latent-whitening.ts';
import { ParamStore } from './params.ts';
import { LatentPrior } from './prior.ts';
import { Vae, vaeLatentShape } from './vae.ts';
import { directoryHandler, loadTensors, saveTensors } from './weights-io.ts';

/** Where shipped priors live: libs/prior/assets/<name>/. */
export const ASSETS_DIR = fileURLToPath(new URL('../assets/', import.meta.url));

/** A directory holding manifest.json, or the name of a shipped prior. */
export function resolvePriorDir(dirOrName: string): string {
  if (existsSync(join(dirOrName, 'manifest.json'))) return dirOrName;
  const shipped = join(ASSETS_DIR, dirOrName);
  if (!dirOrName.includes('/') && existsSync(join(shipped, 'manifest.json'))) return shipped;
  throw new Error(`prior ${dirOrName}: no manifest.json there, and no shipped prior of that name in ${ASSETS_DIR}`);
}

/** Writes manifest.json, model.json and weights.bin (VAE and, if trained, denoiser weights). */
export async function savePrior(dir: string, prior: LatentPrior): Promise<void> {
  mkdirSync(dir, { recursive: true });
  const tensors = new Map<string, tf.Tensor>([...prior.vae.store.vars]);
  if (prior.denoiser) for (const [name, v] of prior.denoiser.store.vars) tensors.set(name, v);
  if (prior.whitening) for (const [name, t] of prior.whitening.tensors()) tensors.set(name, t);
  await saveTensors(directoryHandler(dir), tensors, 'ldinv-prior-weights');
  writeFileAtomic(join(dir, 'manifest.json'), `${JSON.stringify(prior.manifest, null, 2)}\n`);
}

export function readManifest(dir: string): PriorManifest {
  const path = join(dir, 'manifest.json');
  let json: unknown;
  try {
    json = JSON.parse(readFileSync(path, 'utf8'));
  } catch (err) {
    throw new Error(`${path}: cannot read (${(err as Error).message.split('\n')[0]})`);
  }
  return validateManifest(json, path);
}

/**
 * Loads a prior and checks that the weights are exactly those of the networks the
 * manifest describes: every weight present with its shape, none left over.
 */
export async function loadPrior(dirOrName: string): Promise<LatentPrior> {
  const dir = resolvePriorDir(dirOrName);
  const manifest = readManifest(dir);
  const { nx, ny } = manifest.grid;
  const shape = vaeLatentShape(manifest.vae, ny, nx);
  if (shape.join(',') !== manifest.latentShape.join(',')) {
    throw new Error(`${join(dir, 'manifest.json')}: latentShape [${manifest.latentShape}] disagrees with the VAE, which gives [${shape}] for a ${ny}x${nx} grid`);
  }
  const weights = await loadTensors(directoryHandler(dir));
  const source = join(dir, 'model.json');
  const vaeStore = new ParamStore(0, source);
  const denStore = new ParamStore(0, source);
  const latent = new Map<string, Float32Array>();
  for (const [name, t] of weights) {
    if (name.startsWith('latent/') && manifest.latentWhitening === 'dct') latent.set(name, t.dataSync() as Float32Array);
    else if (name.startsWith('vae/')) vaeStore.load(new Map([[name, t]]));
    else if (name.startsWith('denoiser/') && manifest.denoiser) denStore.load(new Map([[name, t]]));
    else throw new Error(`${source}: weight ${name} is not part of the networks described by manifest.json`);
    t.dispose();
  }
  vaeStore.frozen = true;
  denStore.frozen = true;
  let whitening: LatentWhitening | null = null;
  if (manifest.latentWhitening === 'dct') {
    const [h, w, c] = manifest.latentShape;
    const want: Record<string, number> = { 'latent/mean': h * w * c, 'latent/whiten': h * w * c * c, 'latent/colour': h * w * c * c };
    for (const [name, size] of Object.entries(want)) {
      const got = latent.get(name)?.length;
      if (got !== size) throw new Error(`${source}: weight ${name} must have ${size} values for latentShape [${manifest.latentShape}], got ${got ?? 'none'}`);
    }
    whitening = new LatentWhitening(manifest.latentShape, {
      mean: latent.get('latent/mean') as Float32Array,
      whiten: latent.get('latent/whiten') as Float32Array,
      colour: latent.get('latent/colour') as Float32Array,
    });
  }
  const vae = new Vae(manifest.vae, 0, vaeStore);
  const denoiser = manifest.denoiser ? new Denoiser(manifest.denoiser, manifest.latentShape[2], 0, denStore, manifest.schedule) : null;
  try {
    vae.build(ny, nx);
    denoiser?.build(manifest.latentShape[0], manifest.latentShape[1]);
    for (const store of [vaeStore, denStore]) {
      const unused = store.names().filter((n) => !store.touched.has(n));
      if (unused.length > 0) throw new Error(`${source}: weight ${unused[0]} is not part of the networks described by manifest.json`);
    }
  } catch (err) {
    vaeStore.dispose();
    denStore.dispose();
    throw err;
  }
  return new LatentPrior(manifest, vae, denoiser, whitening);
}
