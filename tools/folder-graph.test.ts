// Keeps the folders of the orchestrator and of @ldinv/runs free of import cycles (issue 20 item 4):
// a folder that needs another's data types takes them from a lower folder or from @ldinv/runs.
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { describeCycles, folderCycles, folderGraph } from './folder-graph.ts';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');

function tree(files: Record<string, string>): string {
  const dir = mkdtempSync(join(tmpdir(), 'ldinv-folders-'));
  for (const [path, text] of Object.entries(files)) {
    mkdirSync(dirname(join(dir, path)), { recursive: true });
    writeFileSync(join(dir, path), text);
  }
  return dir;
}

describe('folder import graph', () => {
  it.each(['apps/orchestrator/src', 'libs/runs/src'])('%s has no folder cycle', (src) => {
    const graph = folderGraph(join(ROOT, src));
    // Not vacuous: the tree has folders that import one another.
    expect(graph.size).toBeGreaterThan(2);
    const cycles = folderCycles(graph);
    expect(cycles, describeCycles(graph, cycles)).toEqual([]);
  });

  it('finds a cycle through three folders and names the imports behind it (negative control)', () => {
    const dir = tree({
      'a/x.ts': "import { y } from '../b/y.ts';\nexport const x = y;\n",
      'b/y.ts': "export { z as y } from '../c/z.ts';\n",
      'c/z.ts': "import type { X } from '../a/types.ts';\nexport const z: X = 1;\n",
      'a/types.ts': 'export type X = number;\n',
      'd/leaf.ts': "import { x } from '../a/x.ts';\nexport const leaf = x;\n",
    });
    const graph = folderGraph(dir);
    const cycles = folderCycles(graph);
    expect(cycles).toEqual([['a', 'b', 'c']]);
    expect(describeCycles(graph, cycles)).toContain('c -> a: c/z.ts -> a/types.ts');
  });

  it('counts tests and fixtures, and imports of files outside the tree not at all', () => {
    const dir = tree({
      'low/a.ts': "import { other } from '../../elsewhere/other.ts';\nexport const a = other;\n",
      'high/b.ts': "import { a } from '../low/a.ts';\nexport const b = a;\n",
    });
    expect(folderCycles(folderGraph(dir))).toEqual([]);
    writeFileSync(join(dir, 'low/a.test.ts'), "import { b } from '../high/b.ts';\n");
    expect(folderCycles(folderGraph(dir))).toEqual([['high', 'low']]);
  });
});
