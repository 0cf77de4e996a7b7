// Metrics of a site count its active cells only: inactive cells are not aquifer, and their ln K is
// whatever a prior or a start put there.

/** The values of the active cells (nonzero mask entries) of a field, in cell order; without a mask, the field itself. */
export function activeCellPicker(active?: ArrayLike<number>): (field: ArrayLike<number>) => Float64Array {
  if (!active) return (field) => (field instanceof Float64Array ? field : Float64Array.from(field));
  const keep = Int32Array.from({ length: active.length }, (_, k) => k).filter((k) => active[k] !== 0);
  return (field) => Float64Array.from(keep, (k) => field[k]);
}
