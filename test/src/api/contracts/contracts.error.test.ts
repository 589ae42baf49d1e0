import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { startTestApi, type TestApi } from "../../../helpers/api.ts";
import { createContract, createEnterprise, createSp } from "../../../helpers/registry.ts";

let api: TestApi;
beforeEach(async () => {
  api = await startTestApi();
});
afterEach(async () => {
  await api.close();
});

describe("contracts (error)", () => {
  it("validates dates, order and references, naming the field", async () => {
    const { sp } = await createSp(api);
    const e = await createEnterprise(api, 1);
    const post = (body: unknown) => api.request("POST", "/api/v1/contracts", { body });
    const reversed = await post({ spId: sp.id, enterpriseId: e.id, validFrom: "2025-02-01", validTo: "2025-01-31" });
    expect(reversed.status).toBe(422);
    expect(reversed.body.errors[0].path).toBe("validTo");
    const badDate = await post({ spId: sp.id, enterpriseId: e.id, validFrom: "2025-02-30", validTo: "2025/03/01" });
    expect(badDate.status).toBe(422);
    expect(badDate.body.errors.map((x: { path: string }) => x.path)).toEqual(expect.arrayContaining(["validFrom", "validTo"]));
    const noSp = await post({ enterpriseId: e.id, validFrom: "2025-01-01", validTo: "2025-12-31" });
    expect(noSp.status).toBe(422);
    expect(noSp.body.errors[0].path).toBe("spId");
    const unknownSp = await post({ spId: "01900000-0000-7000-8000-000000000000", enterpriseId: e.id, validFrom: "2025-01-01", validTo: "2025-12-31" });
    expect(unknownSp.body.errors[0]).toMatchObject({ path: "spId" });
    const unknownEnterprise = await post({ spId: sp.id, enterpriseId: "01900000-0000-7000-8000-000000000000", validFrom: "2025-01-01", validTo: "2025-12-31" });
    expect(unknownEnterprise.body.errors[0]).toMatchObject({ path: "enterpriseId" });
    const c = await createContract(api, sp.id, e.id, "2025-01-01", "2025-12-31");
    const patchReversed = await api.request("PATCH", `/api/v1/contracts/${c.id}`, { body: { validFrom: "2026-01-01" } });
    expect(patchReversed.status).toBe(422);
    expect(patchReversed.body.errors[0].path).toBe("validFrom");
    expect((await api.request("GET", "/api/v1/contracts?activeOn=tomorrow")).status).toBe(422);
  });

  it("refuses an overlapping active contract for the same SP and enterprise with 409 naming it", async () => {
    const { sp } = await createSp(api);
    const e = await createEnterprise(api, 1);
    const c = await createContract(api, sp.id, e.id, "2025-01-01", "2025-12-31");
    const overlap = await api.request("POST", "/api/v1/contracts", { body: { spId: sp.id, enterpriseId: e.id, validFrom: "2025-12-31", validTo: "2026-06-30" } });
    expect(overlap.status).toBe(409);
    expect(overlap.body.code).toBe("CONFLICT");
    expect(overlap.body.detail).toContain(c.id);
    const later = await createContract(api, sp.id, e.id, "2026-01-01", "2026-12-31");
    expect((await api.request("PATCH", `/api/v1/contracts/${later.id}`, { body: { validFrom: "2025-06-01" } })).status).toBe(409);
  });

  it("treats terminated as final", async () => {
    const { sp } = await createSp(api);
    const e = await createEnterprise(api, 1);
    const c = await createContract(api, sp.id, e.id);
    await api.as(api.operatorToken).patch(`/api/v1/contracts/${c.id}`, { status: "terminated" });
    const again = await api.request("PATCH", `/api/v1/contracts/${c.id}`, { body: { status: "active" } });
    expect(again.status).toBe(409);
    expect(again.body.code).toBe("INVALID_TRANSITION");
  });
});
