export { eventually } from './eventually';
export { seededRandom } from './seeded-random';
