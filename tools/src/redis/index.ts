export { startRedis, type DevRedis, type StartRedisOptions } from './start-redis';
export { findFreePort } from './free-port';
