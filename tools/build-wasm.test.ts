import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { assembleWasm, renderModuleSource, WASM_MODULES } from './build-wasm.ts';

describe('hand-written wasm modules', () => {
  it.each(WASM_MODULES.map((m) => [path.basename(m.wat), m] as const))(
    '%s matches its committed bytes (run `npx tsx tools/build-wasm.ts` after editing a .wat)',
    async (_, m) => {
      expect(readFileSync(m.out, 'utf8')).toBe(renderModuleSource(m, await assembleWasm(m)));
    },
  );
});
