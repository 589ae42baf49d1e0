import { defineConfig } from "vitest/config";

/**
 * Two suites. `npm test` runs every test outside test/faults on PGlite. `npm run test:faults`
 * (GK_SUITE=faults) runs only test/faults: slow fault, load, fuzz and interop tests. CI runs both.
 * When TEST_DATABASE_URL is set (CI sets it), the database tests (`databaseTests`) run a second
 * time against that PostgreSQL server, and fail if it cannot be reached.
 *
 * PGlite is PostgreSQL (same parser, planner and SQL), so what the second run adds is the other
 * driver and a real server: wire types and dates, pools and transactions, LISTEN/NOTIFY, COPY,
 * several processes. The routes' and the proxy's error and security tests judge input and
 * authorization, the same on both; their one driver-dependent part, telling a unique violation or
 * bad input from other errors, is held on both backends by test/src/db/errors.test.ts. They, and
 * a few files that touch no database path (below), run on PGlite only (`notTwice`), which keeps
 * `npm test` within its time on two cores.
 */
const faults = process.env.GK_SUITE === "faults";
const databaseTests = faults
  ? // Held receipts keep their order only if the store writes them in order on a pool of connections.
    ["test/faults/smpp/deliveries.test.ts"]
  : [
      "test/src/api/**/*.test.ts",
      "test/src/db/**/*.test.ts",
      "test/src/deliveries/**/*.test.ts",
      "test/src/journal/**/*.test.ts",
      "test/src/registry/**/*.test.ts",
      "test/src/reviews/**/*.test.ts",
      "test/src/console/**/*.test.ts",
      "test/smpp/proxy/**/*.test.ts",
      "test/e2e/**/*.test.ts",
    ];

const notTwice = [
  "test/src/api/**/*.security.test.ts",
  "test/src/api/**/*.error.test.ts",
  "test/smpp/proxy/**/*.security.test.ts",
  "test/smpp/proxy/**/*.error.test.ts",
  // Text decoding and in-memory bind lockouts; the console's pages in a browser.
  "test/smpp/proxy/proxy.encodings.test.ts",
  "test/smpp/proxy/bind-lockout.test.ts",
  "test/src/console/**/*.test.ts",
];

export default defineConfig({
  test: {
    testTimeout: 30_000,
    hookTimeout: 60_000,
    pool: "forks",
    // Vitest's default on a 2-core machine is one worker (cores − 1): the suite then runs file by
    // file although much of it waits on sockets, timers and the database. Three workers on two
    // cores: 484 s against 519 s with two (1 December 2026, both projects, all passing). The
    // faults suite (load and timing under stress) keeps two.
    maxWorkers: Number(process.env.TEST_WORKERS ?? (faults ? 2 : 3)),
    // A worker keeps its modules from one test file to the next instead of importing the whole
    // product again for each (the imports were 224 of 1,464 cumulative seconds): 299 s against
    // 506 s, same 1,756 tests passing. Each test still gets its own database and gateway; module
    // state shared between files is caches of pure functions. The faults suite stays isolated.
    isolate: faults,
    projects: [
      {
        extends: true,
        test: faults
          ? { name: "faults", include: ["test/faults/**/*.test.ts"] }
          : { name: "pglite", include: ["test/**/*.test.ts"], exclude: ["test/bench/**", "test/faults/**", "node_modules/**"] },
      },
      ...(process.env.TEST_DATABASE_URL
        ? [{ extends: true as const, test: { name: "postgres", include: databaseTests, exclude: faults ? [] : notTwice, env: { GK_TEST_BACKEND: "postgres" } } }]
        : []),
    ],
  },
});
