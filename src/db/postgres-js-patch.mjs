// postinstall: guards postgres.js against writing to a connection that has already closed.
//
// postgres.js 3.4.x (up to 3.4.9 at least) schedules small writes with setImmediate; when the
// server goes away in between, `nextWrite` runs with `socket === null` and throws a TypeError
// from a timer callback — an uncaught exception that takes the whole gateway down exactly when
// the database restarts (reproduced by test/faults/ops/database.test.ts, about one run in three).
// Upstream: porsager/postgres#1066, #1154, #1208; fix proposed in #1168 / #1209, not released.
// The guard settles the pending queries with CONNECTION_CLOSED (as #1209 does) instead of
// dropping the write, so no caller waits forever. Idempotent; a no-op once upstream is fixed.
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const root = join(dirname(fileURLToPath(import.meta.url)), "..", "..", "node_modules", "postgres");
const MARK = "gatekeeper: guard nextWrite";
const ORIGINAL = "  function nextWrite(fn) {\n    const x = socket.write(chunk, fn)";
const GUARDED = `  function nextWrite(fn) {
    if (!socket) { // ${MARK} (porsager/postgres#1208)
      chunk = nextWriteTimer = null
      error(Errors.connection('CONNECTION_CLOSED', options, socket))
      return false
    }
    const x = socket.write(chunk, fn)`;

let patched = 0;
for (const file of ["src/connection.js", "cjs/src/connection.js", "cf/src/connection.js"]) {
  const path = join(root, file);
  if (!existsSync(path)) continue;
  const source = readFileSync(path, "utf8");
  if (source.includes(MARK) || !source.includes(ORIGINAL)) continue;
  writeFileSync(path, source.replace(ORIGINAL, GUARDED));
  patched++;
}
if (patched) console.log(`patch-postgres: guarded nextWrite in ${patched} file(s)`);
