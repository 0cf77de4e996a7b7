export { main, buildProgram } from './cli/main.ts';
