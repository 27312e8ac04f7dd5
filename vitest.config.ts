import { configDefaults, defineConfig } from 'vitest/config';

/**
 * Pure tests (no Redis, no network, no child process, no browser) are named `*.unit.test.ts`: the
 * `unit` project runs them alone (`npm run test:unit`, seconds), and tests/structure checks that none
 * imports what would make it impure. Every other test file is the `integration` project; `npm test`
 * runs both, each file once.
 */
const UNIT = 'tests/**/*.unit.test.ts';
/**
 * The fault drills each start a redis-server, the simulator and four `vigil serve` processes: too heavy
 * to share two cores with the rest of the suite, so they are a project of their own, run one file at a
 * time by `npm run test:drills` (about 90 s here).
 */
const DRILLS = 'tests/drills/**/*.test.ts';
/**
 * End-to-end runs of whole stacks (`vigil bench outage --quick`, `vigil eval --quick`, the demo's story,
 * outage detection at production settle times, and the fleet, conversation and fuzz benches on small
 * fleets): each keeps its own simulator and service busy for a minute or two, so they run apart too
 * (`npm run test:stacks`), keeping `npm test` within its minutes.
 */
const STACKS = [
  'tests/bench/outage-bench.test.ts',
  'tests/bench/fleet-bench.test.ts',
  'tests/bench/conversation-bench.test.ts',
  'tests/bench/fuzz-bench.test.ts',
  'tests/eval/eval-command.test.ts',
  'tests/cli/demo-and-help.test.ts',
  'tests/diagnosis/fast-outage-on-simulator.test.ts',
];

/**
 * The console in Debian's Chromium (playwright-core): each starts the simulator, `vigil serve` and a
 * browser, and the big-outage page a 2,001-device fleet, so together they cost about as much as the rest
 * of the integration suite; they run apart (`npm run test:browser`), keeping `npm test` within its minutes.
 */
const BROWSER = [
  'tests/browser/console.test.ts',
  'tests/browser/noc-overview.test.ts',
  'tests/browser/incident-tree.test.ts',
  'tests/browser/embed-panel.test.ts',
  'tests/browser/docs.test.ts',
  'tests/browser/check-accessibility.test.ts',
];

export default defineConfig({
  test: {
    testTimeout: 30_000,
    hookTimeout: 60_000,
    // Integration tests bind UDP addresses and Redis prefixes of their own, so files may run in parallel.
    fileParallelism: true,
    pool: 'forks',
    // vitest's default on two cores is one worker (cores - 1), so files ran one after another and the
    // suite cost the sum of its files (~13 min). Most integration files wait on polls, processes and
    // sockets rather than compute: four at once overlap those waits (npm test: 13 min → about 4 here).
    maxWorkers: 4,
    // Projects inherit the settings above; `include` is per project, as a root one would add to both.
    projects: [
      // Pure files share worker threads and their module cache (no isolation to buy): a fork per file
      // spent more time starting and importing than testing (npm run test:unit: 193 s → 26 s here).
      { extends: true, test: { name: 'unit', include: [UNIT], pool: 'threads', isolate: false } },
      // Integration files share their fork's module cache too: each file importing the service's module
      // graph afresh was a quarter of the suite's work (import 252 s of worker time, 474 s of CPU for
      // 298 s of vitest on two cores); shared, npm test took 177 s, half the CPU. Every file starts its
      // own Redis prefix, sockets and processes and closes them in afterAll, and none writes
      // process.env, so nothing a file leaves in a module is another file's input.
      {
        extends: true,
        test: {
          name: 'integration',
          include: ['tests/**/*.test.ts'],
          exclude: [...configDefaults.exclude, UNIT, DRILLS, ...STACKS, ...BROWSER],
          isolate: false,
        },
      },
      { extends: true, test: { name: 'drills', include: [DRILLS], fileParallelism: false } },
      { extends: true, test: { name: 'stacks', include: STACKS } },
      { extends: true, test: { name: 'browser', include: BROWSER } },
    ],
  },
});
