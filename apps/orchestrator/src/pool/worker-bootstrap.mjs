// piscina loads worker files with plain Node; the sources are TypeScript, so register tsx first
// (this works the same under `npx ldinv`, vitest and a device process).
import { register } from 'tsx/esm/api';

register();
const entry = await import('./worker-entry.ts');

export default entry.default;
