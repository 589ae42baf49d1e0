import { PGlite } from "@electric-sql/pglite";
import { readFileSync, readdirSync } from "node:fs";
const f = readdirSync("/tmp").find((n) => n.startsWith("gk-test-pglite-") && n.endsWith(".tar"))!;
const pg = await PGlite.create({ loadDataDir: new Blob([readFileSync("/tmp/" + f)]) });
const tables = (await pg.query<{ s: string; t: string }>("select schemaname s, tablename t from pg_tables where schemaname not in ('pg_catalog','information_schema') order by 1,2")).rows;
console.log("tables", tables.length, [...new Set(tables.map((r) => r.s))]);
for (const { s, t } of tables) {
  const n = (await pg.query<{ n: number }>(`select count(*)::int n from "${s}"."${t}"`)).rows[0]!.n;
  if (n) console.log(s, t, n);
}
const seqs = (await pg.query("select schemaname, sequencename, last_value from pg_sequences")).rows;
console.log("seqs", seqs);
const list = tables.filter((r) => r.s === "public").map((r) => `"public"."${r.t}"`).join(", ");
for (let i = 0; i < 3; i++) { const t = performance.now(); await pg.exec(`truncate ${list} restart identity cascade`); console.log("truncate ms", (performance.now() - t).toFixed(1)); }
let t = performance.now(); await pg.exec("discard all"); console.log("discard ms", (performance.now() - t).toFixed(1));
console.log((await pg.query("select count(*) from pg_proc p join pg_namespace n on n.oid=p.pronamespace where nspname='public'")).rows, (await pg.query("select count(*) from pg_trigger where not tgisinternal")).rows);
