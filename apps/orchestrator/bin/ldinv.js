#!/usr/bin/env node
// The sources are TypeScript run through tsx, so `npx ldinv` needs no build step.
import { register } from 'tsx/esm/api';

register();
const { main } = await import('../src/cli/main.ts');
process.exitCode = await main(process.argv);
