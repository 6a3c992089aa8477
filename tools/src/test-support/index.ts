export { eventually } from './eventually';
export { seededRandom } from './seeded-random';
export { kcat, kcatReadAll, type KcatRecord } from './kcat';
