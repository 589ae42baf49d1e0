import { defineConfig } from "vitest/config";

/**
 * `npm test` runs every test on PGlite. When TEST_DATABASE_URL is set (CI sets it), the database
 * tests run a second time against that PostgreSQL server, and fail if it cannot be reached.
 */
const databaseTests = [
  "test/api/**/*.test.ts", "test/db/**/*.test.ts", "test/smpp/**/*.test.ts", "test/reviews/**/*.test.ts", "test/console/**/*.test.ts",
  // Held receipts keep their order only if the store writes them in order on a pool of connections.
  "test/faults/smpp/deliveries.test.ts",
];

export default defineConfig({
  test: {
    testTimeout: 30_000,
    hookTimeout: 60_000,
    pool: "forks",
    // Vitest's default on a 2-core machine is one worker (cores − 1): the suite then runs file by
    // file although most of it waits on sockets, timers and the database. Two workers halve it.
    maxWorkers: Number(process.env.TEST_WORKERS ?? 2),
    projects: [
      { extends: true, test: { name: "pglite", include: ["test/**/*.test.ts"], exclude: ["test/bench/**", "node_modules/**"] } },
      ...(process.env.TEST_DATABASE_URL
        ? [{ extends: true as const, test: { name: "postgres", include: databaseTests, env: { GK_TEST_BACKEND: "postgres" } } }]
        : []),
    ],
  },
});
