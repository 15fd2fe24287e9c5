/** The seeded PRNG lives in src/util (production code uses it too); the generator re-uses it. */
export { rng } from '../util/rng.js';
