import { sql } from "drizzle-orm";
import { expect, it } from "vitest";
import { messageRoutes, pendingDeliveries, rejections } from "../../../src/db/schema/index.ts";
import { resultRows } from "../../../src/db/rows.ts";
import { createDeliveryStore } from "../../../src/deliveries/deliveries.service.ts";
import { enforceRetention } from "../../../src/journal/retention.ts";
import { useTestDatabase } from "../../helpers/database.ts";

const database = useTestDatabase();

it("drops journal rows past retention, expired routes and held deliveries, and keeps the rest", async () => {
  const now = new Date("2026-11-23T00:00:00Z");
  const old = new Date("2026-04-01T00:00:00Z");
  const recent = new Date("2026-11-20T00:00:00Z");
  const account = crypto.randomUUID();
  await database.db.insert(rejections).values([
    { eventId: "a", at: old, reason: "scope_exceeded", command: "submit_sm" },
    { eventId: "b", at: recent, reason: "scope_exceeded", command: "submit_sm" },
  ]);
  await database.db.insert(messageRoutes).values([
    { smscMessageId: "old", accountId: account, spId: account, createdAt: new Date("2026-11-10T00:00:00Z") },
    { smscMessageId: "new", accountId: account, spId: account, createdAt: recent },
  ]);
  await database.db.insert(pendingDeliveries).values([
    { spId: account, kind: "receipt", pdu: "AA==", createdAt: old, expiresAt: new Date("2026-11-01T00:00:00Z") },
    { spId: account, kind: "mo", pdu: "AA==", createdAt: recent, expiresAt: new Date("2026-11-25T00:00:00Z") },
  ]);
  const removed = await enforceRetention(database.db, createDeliveryStore(database.db), now, 180);
  expect(removed).toMatchObject({ rejections: 1, routes: 1, heldDeliveries: 1 });
  const left = resultRows<{ n: number }>(await database.db.execute(sql`select count(*)::int as n from rejections`));
  expect(left[0]!.n).toBe(1);
});
