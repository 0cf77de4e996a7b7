// The methods a study compares, as `ldinv invert` arguments. pixel has one deterministic start, so its
// ensemble is an rml ensemble (members differ by their perturbed data); the others start from seeded
// draws and run multistart. `ldim` is the latent descent alone; `ldim+refine` adds the pixel-space
// refine stage (the product's default).
import type { StudyCell } from './study-runner.ts';

export interface StudyMethod {
  name: string;
  method: StudyCell['method'];
  mode: StudyCell['mode'];
  args: string[];
}

export const STUDY_METHODS: Record<string, StudyMethod> = {
  ldim: { name: 'ldim', method: 'ldim', mode: 'multistart', args: ['--refine', '0'] },
  'ldim+refine': { name: 'ldim+refine', method: 'ldim', mode: 'multistart', args: ['--refine', '100'] },
  pixel: { name: 'pixel', method: 'pixel', mode: 'rml', args: [] },
  vae: { name: 'vae', method: 'vae', mode: 'multistart', args: [] },
  pinn: { name: 'pinn', method: 'pinn', mode: 'multistart', args: [] },
};

export function studyMethod(name: string): StudyMethod {
  const m = STUDY_METHODS[name];
  if (!m) throw new Error(`method must be one of ${Object.keys(STUDY_METHODS).join(', ')}, got '${name}'`);
  return m;
}
