import { expect, it } from "vitest";
import { sql } from "drizzle-orm";
import { isBadInputError, isOutOfRangeError, isUnavailableError, isUniqueViolation } from "../../../src/db/errors.ts";
import { serviceProviders } from "../../../src/db/schema/index.ts";
import { newId } from "../../../src/lib/ids.ts";
import { useTestDatabase } from "../../helpers/database.ts";
import { freePort } from "../../helpers/private-postgres.ts";
import postgres from "postgres";

/**
 * The services turn database errors into the client's 409, 400 and 422 by their SQLSTATE
 * (src/db/errors.ts). The two drivers (PGlite in-process, postgres.js over the wire) raise them in
 * different shapes, so each class is provoked for real on both backends: this file runs in the
 * postgres project too, which therefore need not repeat every route's error tests.
 */
const database = useTestDatabase();

async function errorOf(run: () => Promise<unknown>): Promise<unknown> {
  try {
    await run();
  } catch (error) {
    return error;
  }
  throw new Error("expected the database to refuse");
}

it("tells a unique violation (→ 409) from other errors, whatever the driver", async () => {
  const row = { name: "短信服务商", licenceNumber: "B2-2019-0001" };
  await database.db.insert(serviceProviders).values({ id: newId(), ...row });
  const duplicate = await errorOf(() => database.db.insert(serviceProviders).values({ id: newId(), ...row }));
  expect(isUniqueViolation(duplicate)).toBe(true);
  expect(isBadInputError(duplicate)).toBe(false);
  expect(isUniqueViolation(new Error("duplicate key value violates unique constraint"))).toBe(false);
});

it("classifies input PostgreSQL cannot take (→ 400) and values it cannot represent (→ 422)", async () => {
  const nul = await errorOf(() => database.db.insert(serviceProviders).values({ id: newId(), name: "a\u0000b", licenceNumber: "B2-2019-0002" }));
  expect(isBadInputError(nul)).toBe(true);
  const notUuid = await errorOf(() => database.db.execute(sql`select * from service_providers where id = ${"not-a-uuid"}::uuid`));
  expect(isBadInputError(notUuid)).toBe(true);
  const farFuture = await errorOf(() => database.db.execute(sql`select ${"294277-01-01T00:00:00Z"}::timestamptz`));
  expect(isOutOfRangeError(farFuture)).toBe(true);
  expect(isUniqueViolation(farFuture)).toBe(false);
});

it("tells a database that cannot be reached (→ 503) from a request's fault and from a bug", async () => {
  // A real refusal: postgres.js against a port nothing listens on any more.
  const port = await freePort();
  const client = postgres(`postgres://nobody@127.0.0.1:${port}/none`, { max: 1, connect_timeout: 2, onnotice: () => {} });
  const refused = await errorOf(() => client`select 1`);
  await client.end({ timeout: 1 });
  expect(isUnavailableError(refused)).toBe(true);
  // The server going away or not ready yet, by SQLSTATE.
  for (const code of ["57P01", "57P03", "08006", "53300"]) expect(isUnavailableError(Object.assign(new Error("x"), { code }))).toBe(true);
  // The request's own faults and bugs are not.
  const duplicate = await errorOf(async () => {
    const row = { name: "另一个服务商", licenceNumber: "B2-2019-0002" };
    await database.db.insert(serviceProviders).values({ id: newId(), ...row });
    await database.db.insert(serviceProviders).values({ id: newId(), ...row });
  });
  expect(isUnavailableError(duplicate)).toBe(false);
  expect(isUnavailableError(new TypeError("cannot read properties of undefined"))).toBe(false);
});
