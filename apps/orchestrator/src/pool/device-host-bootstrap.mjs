// Entry of a device process: plain Node, so register tsx before loading the TypeScript host.
import { register } from 'tsx/esm/api';

register();
await import('./device-host.ts');
