// Folder-level import graph of a source tree: which top-level folder of src/ imports which (relative
// imports; files directly in src/ are folder '.'), and its cycles as strongly connected groups
// (Tarjan 1972). Tests and fixtures count like any file: a test that drives the CLI sits under cli/,
// and fixtures that tests of several folders share sit in a folder of their own (the app's testing/).
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve, sep } from 'node:path';

/** folder -> imported folder -> the imports behind that edge, `file -> file` relative to the source root. */
export type FolderGraph = Map<string, Map<string, string[]>>;

// import/export ... from '...', import '...', import('...').
const IMPORT = /\b(?:import|export)\b[^'";]*?\bfrom\s*['"]([^'"]+)['"]|\bimport\s*\(\s*['"]([^'"]+)['"]\s*\)|\bimport\s+['"]([^'"]+)['"]/g;

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const path = join(dir, e.name);
    if (e.isDirectory()) return sourceFiles(path);
    return /\.[cm]?ts$/.test(e.name) ? [path] : [];
  });
}

export function folderGraph(srcDir: string): FolderGraph {
  const root = resolve(srcDir);
  const folderOf = (file: string) => {
    const parts = relative(root, file).split(sep);
    return parts.length > 1 ? parts[0] : '.';
  };
  const graph: FolderGraph = new Map();
  for (const file of sourceFiles(root)) {
    for (const m of readFileSync(file, 'utf8').matchAll(IMPORT)) {
      const spec = m[1] ?? m[2] ?? m[3];
      if (!spec.startsWith('.')) continue;
      const target = resolve(dirname(file), spec);
      if (relative(root, target).startsWith('..')) continue;
      const [from, to] = [folderOf(file), folderOf(target)];
      if (from === to) continue;
      const edges = graph.get(from) ?? new Map<string, string[]>();
      graph.set(from, edges.set(to, [...(edges.get(to) ?? []), `${relative(root, file)} -> ${relative(root, target)}`]));
    }
  }
  return graph;
}

/** Groups of two or more folders that import each other in a circle, each sorted; [] when there are none. */
export function folderCycles(graph: FolderGraph): string[][] {
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const groups: string[][] = [];
  const visit = (v: string) => {
    index.set(v, index.size);
    low.set(v, index.get(v)!);
    stack.push(v);
    for (const w of graph.get(v)?.keys() ?? []) {
      if (!index.has(w)) visit(w);
      if (stack.includes(w)) low.set(v, Math.min(low.get(v)!, low.get(w)!));
    }
    if (low.get(v) === index.get(v)) {
      const group = stack.splice(stack.indexOf(v));
      if (group.length > 1) groups.push(group.sort());
    }
  };
  for (const v of graph.keys()) if (!index.has(v)) visit(v);
  return groups;
}

/** One line per edge inside the cycles, with the imports behind it: what a failing check prints. */
export function describeCycles(graph: FolderGraph, cycles: string[][]): string {
  return cycles
    .flatMap((group) => group.flatMap((a) => group.filter((b) => graph.get(a)?.has(b)).map((b) => `${a} -> ${b}: ${graph.get(a)!.get(b)!.join('; ')}`)))
    .join('\n');
}
