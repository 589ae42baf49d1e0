import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { startTestApi, type TestApi } from "../../../helpers/api.ts";
import { createSp } from "../../../helpers/registry.ts";
import { ambiguousReceipts } from "../../../../src/db/schema/index.ts";

let api: TestApi;
beforeEach(async () => {
  api = await startTestApi();
});
afterEach(async () => {
  await api.close();
});

describe("ambiguous receipts (security and errors)", () => {
  it("is the operator's and auditors': an SP token gets 403, no token 401", async () => {
    const { token } = await createSp(api);
    await api.database.db.insert(ambiguousReceipts).values({ receiptId: "0000000010", candidates: "10 16", pdu: "", createdAt: new Date() });
    const asSp = await api.request("GET", "/api/v1/receipts/ambiguous", { token });
    expect(asSp.status).toBe(403);
    expect(asSp.headers.get("content-type")).toContain("application/problem+json");
    expect(asSp.text).not.toContain("0000000010");
    expect((await api.request("GET", "/api/v1/receipts/ambiguous", { token: null })).status).toBe(401);
  });

  it("answers bad queries with a 4xx problem, never a 500", async () => {
    for (const query of ["?cursor=not-base64-!!", `?cursor=${Buffer.from("abc").toString("base64url")}`, "?limit=0", "?limit=501", "?from=yesterday", "?to=0000-01-01T00:00:00Z"]) {
      const res = await api.request("GET", `/api/v1/receipts/ambiguous${query}`);
      expect(res.status, query).toBeGreaterThanOrEqual(400);
      expect(res.status, query).toBeLessThan(500);
    }
  });
});
