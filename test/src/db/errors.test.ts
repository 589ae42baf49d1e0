import { expect, it } from "vitest";
import { sql } from "drizzle-orm";
import { isBadInputError, isOutOfRangeError, isUniqueViolation } from "../../../src/db/errors.ts";
import { serviceProviders } from "../../../src/db/schema/index.ts";
import { newId } from "../../../src/lib/ids.ts";
import { useTestDatabase } from "../../helpers/database.ts";

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
