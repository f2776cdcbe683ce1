/**
 * Fault scenarios (`npm run test:faults`): real Sitrep processes, PostgreSQL and Redis under
 * faults. Run on their own (CI runs them after `npm test`) and one file at a time, since each
 * file spawns several processes.
 * @type {import('jest').Config}
 */
// eslint-disable-next-line @typescript-eslint/no-require-imports -- a CommonJS config file
const base = require('./jest.config');

module.exports = {
  ...base,
  roots: ['<rootDir>/test/faults'],
  testPathIgnorePatterns: ['/node_modules/'],
  testTimeout: 240000,
  maxWorkers: 1,
};
