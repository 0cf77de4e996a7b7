// The file piscina loads in each worker thread. CommonJS on purpose: piscina require()s its worker file
// first, at thread start and again for the first task. worker-bootstrap.mjs, an ES module with top-level
// await, sent Node 20's require(esm) into a module still being evaluated by the start-up import when a
// task reached a fresh (respawned) thread early, and V8 aborted the whole process ("IsGraphAsync must be
// used on an instantiated module"). Here require is plain, and the bootstrap's import is one promise
// that every task awaits.
'use strict';

const bootstrap = import('./worker-bootstrap.mjs');
// A failed import is reported by the task that awaits it, not as an unhandled rejection at start.
bootstrap.catch(() => {});

module.exports = async function handler(task) {
  return (await bootstrap).default(task);
};
