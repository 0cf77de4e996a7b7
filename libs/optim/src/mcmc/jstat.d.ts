// The one jStat function this package uses (jstat ships no types; it is CommonJS, so a default import).
declare module 'jstat' {
  const jstat: { jStat: { normal: { inv(p: number, mean: number, std: number): number } } };
  export default jstat;
}
