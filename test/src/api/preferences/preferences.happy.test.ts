import { eq } from "drizzle-orm";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { auditLog } from "../../../../src/db/schema/index.ts";
import { startTestApi, type TestApi } from "../../../helpers/api.ts";

let api: TestApi;
beforeEach(async () => {
  api = await startTestApi();
});
afterEach(async () => {
  await api.close();
});

const NUMBER = "13800131040";
const put = (body: unknown, token?: string) => api.request("PUT", "/api/v1/preferences", { body, ...(token && { token }) });

describe("preferences API (happy)", () => {
  it("an operator sets, replaces and clears a subscriber's preference; hash + mask only; each change audited", async () => {
    const first = await put({ msisdn: NUMBER, categories: ["marketing"], reason: "subscriber called 10086" });
    expect(first.status, first.text).toBe(200);
    expect(first.body).toMatchObject({ recipientMask: "138****1040", categories: ["marketing"], bandStart: null, bandEnd: null, source: "operator" });
    expect(first.text).not.toContain(NUMBER);
    const second = await put({ msisdn: `+86${NUMBER}`, categories: ["marketing", "notification"], band: { start: "22:00", end: "08:00" }, reason: "widened" });
    expect(second.body).toMatchObject({ id: first.body.id, categories: ["marketing", "notification"], bandStart: "22:00", bandEnd: "08:00" });

    const one = await api.request("GET", `/api/v1/preferences?msisdn=${NUMBER}`);
    expect(one.body.items).toEqual([expect.objectContaining({ id: first.body.id })]);
    expect((await api.request("GET", "/api/v1/preferences?msisdn=13800131041")).body.items).toEqual([]);

    expect((await api.request("DELETE", `/api/v1/preferences/${first.body.id}`, { body: { reason: "subscriber withdrew" } })).status).toBe(200);
    expect((await api.request("GET", "/api/v1/preferences")).body.items).toEqual([]);
    const audit = await api.database.db.select().from(auditLog).where(eq(auditLog.objectType, "subscriber_preference"));
    expect(audit.map((row) => row.action)).toEqual(["preference.set", "preference.set", "preference.delete"]);
  });
});

