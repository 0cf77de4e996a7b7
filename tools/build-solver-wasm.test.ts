import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { assembleSolverWasm, OUT_PATH, renderModuleSource } from './build-solver-wasm.ts';

describe('solver wasm module', () => {
  it('matches its WAT source (run `npx tsx tools/build-solver-wasm.ts` after editing the .wat)', async () => {
    expect(readFileSync(OUT_PATH, 'utf8')).toBe(renderModuleSource(await assembleSolverWasm()));
  });
});
