// Symbolic analysis of the 5-point matrix on an nx x ny grid for a multifrontal Cholesky:
// nested dissection with grid-line separators (George 1973), the elimination tree, the
// variables of every frontal matrix and the index maps for assembly and extend-add.
// It depends only on the grid shape, so it is computed once per (nx, ny) and cached.

/** Regions with at most this many cells are not cut further but eliminated as one dense front:
 *  smaller leaves cost more in per-front overhead, larger ones in dense flops (4 was clearly
 *  slower at 128^2 and 256^2, 24 and 32 add 10 % flops; 8..16 were alike within timing noise). */
const LEAF_CELLS = 12;

export interface FrontalPlan {
  readonly nx: number;
  readonly ny: number;
  /** Unknowns, nx * ny. */
  readonly n: number;
  /** perm[cell] = elimination position; cellAt[position] = cell (cell = j * nx + i). */
  readonly perm: Int32Array;
  readonly cellAt: Int32Array;
  /** Fronts in postorder (children before parents). */
  readonly nodeCount: number;
  /** Pivots of front f are the positions [pivotStart[f], pivotStart[f] + pivotCount[f]). */
  readonly pivotStart: Int32Array;
  readonly pivotCount: Int32Array;
  /** Front size m = pivots + boundary (later-eliminated variables coupled to the pivots). */
  readonly frontSize: Int32Array;
  readonly childCount: Int32Array;
  /** Boundary positions of front f: boundary[boundaryPtr[f] .. boundaryPtr[f + 1]), ascending. */
  readonly boundaryPtr: Int32Array;
  readonly boundary: Int32Array;
  /** For each boundary entry: its row in the parent's front (extend-add map, ascending). */
  readonly parentRow: Int32Array;
  /** Offset of front f's factor block (m x s, row-major) in the factor array. */
  readonly factorPtr: Int32Array;
  readonly factorSize: number;
  /** Matrix entries assembled into front f: value index asmSrc[k] added at asmDst[k] = row * m + col. */
  readonly asmPtr: Int32Array;
  readonly asmDst: Int32Array;
  readonly asmSrc: Int32Array;
  readonly maxFront: number;
  /** Doubles needed by the stack of packed update matrices. */
  readonly stackSize: number;
  /** Floating-point operations of one numeric factorisation (multiply and add counted apart). */
  readonly flops: number;
}

interface Rect {
  i0: number;
  i1: number;
  j0: number;
  j1: number;
}

interface TreeNode {
  rect: Rect;
  cells: number[];
  children: TreeNode[];
}

/** Layout of the matrix values that the numeric phase reads (see assembly.ts): diagonal of every
 *  cell, then the x-faces (between (i, j) and (i + 1, j)), then the y-faces ((i, j) and (i, j + 1)). */
export function valueLayout(nx: number, ny: number): { xFace0: number; yFace0: number; size: number } {
  const n = nx * ny;
  const xFace0 = n;
  const yFace0 = xFace0 + (nx - 1) * ny;
  return { xFace0, yFace0, size: yFace0 + nx * (ny - 1) };
}

function dissect(rect: Rect, nx: number): TreeNode {
  const w = rect.i1 - rect.i0;
  const h = rect.j1 - rect.j0;
  const cellsOf = (r: Rect): number[] => {
    const out: number[] = [];
    for (let j = r.j0; j < r.j1; j++) for (let i = r.i0; i < r.i1; i++) out.push(j * nx + i);
    return out;
  };
  if (w * h <= LEAF_CELLS || (w < 3 && h < 3)) return { rect, cells: cellsOf(rect), children: [] };
  let sepRect: Rect;
  let parts: Rect[];
  // Cut across the longer side so that the separator is the shorter grid line.
  if (w >= h) {
    const ic = rect.i0 + (w >> 1);
    sepRect = { ...rect, i0: ic, i1: ic + 1 };
    parts = [
      { ...rect, i1: ic },
      { ...rect, i0: ic + 1 },
    ];
  } else {
    const jc = rect.j0 + (h >> 1);
    sepRect = { ...rect, j0: jc, j1: jc + 1 };
    parts = [
      { ...rect, j1: jc },
      { ...rect, j0: jc + 1 },
    ];
  }
  const children = parts.filter((p) => p.i1 > p.i0 && p.j1 > p.j0).map((p) => dissect(p, nx));
  return { rect, cells: cellsOf(sepRect), children };
}

function postorder(root: TreeNode): TreeNode[] {
  const out: TreeNode[] = [];
  const visit = (node: TreeNode): void => {
    for (const c of node.children) visit(c);
    out.push(node);
  };
  visit(root);
  return out;
}

/** Cells outside the rectangle that share a face with it: the only variables the eliminated region
 *  couples to, and all of them belong to ancestors' separators (nested-dissection property). */
function rectBoundary(r: Rect, nx: number, ny: number): number[] {
  const out: number[] = [];
  for (let i = r.i0; i < r.i1; i++) {
    if (r.j0 > 0) out.push((r.j0 - 1) * nx + i);
    if (r.j1 < ny) out.push(r.j1 * nx + i);
  }
  for (let j = r.j0; j < r.j1; j++) {
    if (r.i0 > 0) out.push(j * nx + r.i0 - 1);
    if (r.i1 < nx) out.push(j * nx + r.i1);
  }
  return out;
}

export function buildFrontalPlan(nx: number, ny: number): FrontalPlan {
  if (!(Number.isInteger(nx) && Number.isInteger(ny) && nx >= 1 && ny >= 1)) {
    throw new Error(`grid must have integer nx, ny >= 1, got ${nx} x ${ny}`);
  }
  const n = nx * ny;
  const nodes = postorder(dissect({ i0: 0, i1: nx, j0: 0, j1: ny }, nx));
  const nodeCount = nodes.length;
  const perm = new Int32Array(n);
  const cellAt = new Int32Array(n);
  const pivotStart = new Int32Array(nodeCount);
  const pivotCount = new Int32Array(nodeCount);
  let pos = 0;
  nodes.forEach((node, f) => {
    pivotStart[f] = pos;
    pivotCount[f] = node.cells.length;
    for (const c of node.cells) {
      perm[c] = pos;
      cellAt[pos++] = c;
    }
  });

  const frontSize = new Int32Array(nodeCount);
  const childCount = new Int32Array(nodeCount);
  const boundaryPtr = new Int32Array(nodeCount + 1);
  const boundaryLists: Int32Array[] = [];
  for (let f = 0; f < nodeCount; f++) {
    const b = Int32Array.from(rectBoundary(nodes[f].rect, nx, ny).map((c) => perm[c])).sort();
    boundaryLists.push(b);
    boundaryPtr[f + 1] = boundaryPtr[f] + b.length;
    frontSize[f] = pivotCount[f] + b.length;
    childCount[f] = nodes[f].children.length;
  }
  const boundary = new Int32Array(boundaryPtr[nodeCount]);
  boundaryLists.forEach((b, f) => boundary.set(b, boundaryPtr[f]));

  // Front row of every position, valid while its front is being mapped; parents come after children.
  const parentOf = new Int32Array(nodeCount).fill(-1);
  const index = new Map<TreeNode, number>(nodes.map((node, f) => [node, f]));
  nodes.forEach((node, f) => node.children.forEach((c) => (parentOf[index.get(c)!] = f)));
  const rowIn = new Int32Array(n);
  const parentRow = new Int32Array(boundary.length);
  const setRows = (f: number): void => {
    for (let r = 0; r < pivotCount[f]; r++) rowIn[pivotStart[f] + r] = r;
    for (let k = boundaryPtr[f]; k < boundaryPtr[f + 1]; k++) rowIn[boundary[k]] = pivotCount[f] + k - boundaryPtr[f];
  };
  for (let f = 0; f < nodeCount; f++) {
    const p = parentOf[f];
    if (p < 0) continue;
    setRows(p);
    for (let k = boundaryPtr[f]; k < boundaryPtr[f + 1]; k++) parentRow[k] = rowIn[boundary[k]];
  }

  // Assembly: the diagonal of each pivot, and each face at the front of its earlier-eliminated cell.
  const { xFace0, yFace0 } = valueLayout(nx, ny);
  const asmPtr = new Int32Array(nodeCount + 1);
  const dst: number[] = [];
  const src: number[] = [];
  for (let f = 0; f < nodeCount; f++) {
    setRows(f);
    const m = frontSize[f];
    for (let r = 0; r < pivotCount[f]; r++) {
      const c = cellAt[pivotStart[f] + r];
      const i = c % nx;
      const j = (c - i) / nx;
      dst.push(r * m + r);
      src.push(c);
      const faces: [number, number][] = [];
      if (i > 0) faces.push([c - 1, xFace0 + j * (nx - 1) + i - 1]);
      if (i < nx - 1) faces.push([c + 1, xFace0 + j * (nx - 1) + i]);
      if (j > 0) faces.push([c - nx, yFace0 + (j - 1) * nx + i]);
      if (j < ny - 1) faces.push([c + nx, yFace0 + j * nx + i]);
      for (const [nb, v] of faces) {
        if (perm[nb] < perm[c]) continue;
        dst.push(rowIn[perm[nb]] * m + r);
        src.push(v);
      }
    }
    asmPtr[f + 1] = dst.length;
  }

  const factorPtr = new Int32Array(nodeCount + 1);
  let stack = 0;
  let stackSize = 0;
  let maxFront = 0;
  let flops = 0;
  const pushed: number[] = [];
  for (let f = 0; f < nodeCount; f++) {
    const m = frontSize[f];
    const s = pivotCount[f];
    const b = m - s;
    factorPtr[f + 1] = factorPtr[f] + m * s;
    maxFront = Math.max(maxFront, m);
    // Partial Cholesky of s pivots in an m-front: s^3/6 + s^2 b/2 + s b^2/2 multiply-adds.
    flops += (s * s * s) / 3 + s * s * b + s * b * b;
    for (let c = 0; c < childCount[f]; c++) stack -= pushed.pop()!;
    const packed = (b * (b + 1)) / 2;
    pushed.push(packed);
    stack += packed;
    stackSize = Math.max(stackSize, stack);
  }

  return {
    nx, ny, n, perm, cellAt, nodeCount, pivotStart, pivotCount, frontSize, childCount,
    boundaryPtr, boundary, parentRow, factorPtr, factorSize: factorPtr[nodeCount],
    asmPtr, asmDst: Int32Array.from(dst), asmSrc: Int32Array.from(src),
    maxFront, stackSize, flops,
  };
}

const plans = new Map<string, FrontalPlan>();
const MAX_CACHED_PLANS = 8;

/** The plan for a grid shape, built on first use (a few ms at 256^2) and kept. */
export function frontalPlan(nx: number, ny: number): FrontalPlan {
  const key = `${nx}x${ny}`;
  let plan = plans.get(key);
  if (!plan) {
    plan = buildFrontalPlan(nx, ny);
    if (plans.size >= MAX_CACHED_PLANS) plans.delete(plans.keys().next().value!);
    plans.set(key, plan);
  }
  return plan;
}
