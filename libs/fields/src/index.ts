export { encodeNpy, parseNpy, readField, readNpy, writeNpy, NpyError } from './npy.ts';
export type { NpyArray, NpyDtype } from './npy.ts';
