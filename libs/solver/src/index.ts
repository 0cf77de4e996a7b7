export type { BoundarySetup, DarcyProblem, Domain, Grid, Side, SideCondition, Site, Well } from './problem.ts';
export {
  BOUNDARY_SETUPS, cellIndicesOf, presetSite, SIDES, siteOf, UNIT_SQUARE, validateLogK, validateProblem,
} from './problem.ts';
export { CELL_STATE, discretise } from './discretisation.ts';
export type { Discretisation } from './discretisation.ts';
export { DarcySystem, lossAndGradient, solveHeads } from './darcy.ts';
export type { DarcySystemOptions } from './darcy.ts';
export { darcySolveOp } from './darcy-op.ts';
export { interpolationStencil, observationGeometry, ObservationOperator } from './observation.ts';
export type { ObservationGeometry } from './observation.ts';
export { parseCsvColumns, type CsvRow } from './csv.ts';
export { parseWellsCsv } from './wells-csv.ts';
export { BUDGET_LABELS, BUDGET_TERMS, logKLevelFree } from './assembly.ts';
export type { BudgetTerm, WaterBudget } from './assembly.ts';
export { factorStats } from './factor-stats.ts';
export { fourierField } from './fourier-field.ts';
export type { FourierFieldOptions } from './fourier-field.ts';
