/**
 * `bun test/bench/consent-import.ts [rows]` (default 1,000,000): a consent CSV of that many rows
 * streamed over real HTTP to POST /api/v1/imports/consents (operator token, one enterprise, made-up
 * numbers 1380000000 + i), on PostgreSQL with GK_TEST_BACKEND=postgres and TEST_DATABASE_URL, else
 * on the in-memory PGlite test database (whose data then counts in this process's memory). Prints
 * the wall time, rows per second and the process's peak RSS and heap (server and client are this
 * one process, so the peak covers both), sampled every 100 ms, and whether the chain verifies.
 */
import { startTestApi } from "../helpers/api.ts";
import { buildRegistryWorld } from "../helpers/registry.ts";

const rows = Number(process.argv[2] ?? 1_000_000);
const api = await startTestApi();
const world = await buildRegistryWorld(api);
const enterpriseId = world.enterpriseA.id;

let peak = process.memoryUsage().rss;
let peakHeap = process.memoryUsage().heapUsed;
const sampler = setInterval(() => {
  const usage = process.memoryUsage();
  peak = Math.max(peak, usage.rss);
  peakHeap = Math.max(peakHeap, usage.heapUsed);
}, 100);

const encoder = new TextEncoder();
let sent = 0;
const body = new ReadableStream<Uint8Array>({
  pull(controller) {
    if (sent === 0) controller.enqueue(encoder.encode("msisdn,enterpriseId,frequency,periodDays,source,evidenceRef\n"));
    if (sent >= rows) return controller.close();
    const lines: string[] = [];
    for (let i = 0; i < 2000 && sent < rows; i++, sent++) lines.push(`${13800000000 + sent},${enterpriseId},每周不超过2条,365,web_form,wf-${sent}`);
    controller.enqueue(encoder.encode(`${lines.join("\n")}\n`));
  },
});

const started = performance.now();
const response = await fetch(`${api.url}/api/v1/imports/consents`, {
  method: "POST",
  headers: { authorization: `Bearer ${api.operatorToken}`, "content-type": "text/csv" },
  body,
  duplex: "half",
  // Bun's fetch gives up after 5 minutes by default; the server answers only once the whole file is in.
  timeout: false,
});
const result = (await response.json()) as { import: { status: string; totalRows: number; acceptedRows: number; refusedRows: number } };
const seconds = (performance.now() - started) / 1000;
clearInterval(sampler);
peak = Math.max(peak, process.memoryUsage().rss);
const measured = {
  rows,
  status: response.status,
  import: result.import,
  seconds: Math.round(seconds * 10) / 10,
  rowsPerSecond: Math.round(rows / seconds),
  peakRssMiB: Math.round(peak / 1048576),
  peakHeapMiB: Math.round(peakHeap / 1048576),
};
console.log(JSON.stringify(measured)); // before the verification, which may take a while
const verifyStarted = performance.now();
const verify = await api.as(api.operatorToken).get("/api/v1/consents/verify");
console.log(
  JSON.stringify({
    verifySeconds: Math.round((performance.now() - verifyStarted) / 100) / 10,
    chainVerified: verify.ok,
    chainChecked: verify.checked,
    database: process.env.GK_TEST_BACKEND === "postgres" ? "postgresql" : "pglite (in-memory: the database itself is in this process)",
  }),
);
await api.close();
process.exit(0);
