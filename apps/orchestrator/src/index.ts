export { main, buildProgram } from './cli/main.ts';
// For `npm run bench -- queue` (tools/): a throw-away redis-server on a loopback port.
export { haveRedisServer, startLocalRedis } from './queue/local-redis.ts';
