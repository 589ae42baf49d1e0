/** CMPP bind accounts over the admin API: the SP code's shape, the secret's length, and no SECRETS_KEY, no CMPP account. */
import { afterEach, expect, it } from "vitest";
import { eq } from "drizzle-orm";
import { bindAccounts } from "../../../../src/db/schema/index.ts";
import { createSecretBox, parseSecretsKey } from "../../../../src/lib/secrets.ts";
import { startTestApi, type TestApi } from "../../../helpers/api.ts";
import { createSp } from "../../../helpers/registry.ts";

const box = createSecretBox(parseSecretsKey("11".repeat(32)));
let api: TestApi | undefined;
afterEach(async () => {
  await api?.close();
  api = undefined;
});

it("refuses a CMPP account when the server has no SECRETS_KEY (the secret could not be stored)", async () => {
  api = await startTestApi();
  const { sp } = await createSp(api);
  const res = await api.request("POST", "/api/v1/accounts", { body: { spId: sp.id, systemId: "901111", protocol: "cmpp", password: "cmpp-secret" } });
  expect(res.status).toBe(422);
  expect(res.body.detail).toContain("SECRETS_KEY");
  expect(await api.database.db.select().from(bindAccounts)).toHaveLength(0);
});

it("checks the SP code and the secret per protocol, naming the field", async () => {
  api = await startTestApi({ secrets: box });
  const { sp } = await createSp(api);
  const post = (body: Record<string, unknown>) => api!.request("POST", "/api/v1/accounts", { body: { spId: sp.id, ...body } });
  for (const [body, field] of [
    [{ systemId: "90111", protocol: "cmpp", password: "cmpp-secret" }, "systemId"],
    [{ systemId: "9011-1", protocol: "cmpp", password: "cmpp-secret" }, "systemId"],
    [{ systemId: "901111", protocol: "cmpp", password: "x".repeat(33) }, "password"],
    [{ systemId: "901111", protocol: "smtp", password: "cmpp-secret" }, "protocol"],
    [{ systemId: "901111", protocol: "cmpp", kind: "gateway", password: "cmpp-secret", allowedIps: ["10.0.0.1"] }, "protocol"],
    // An SMPP password is still at most 8 characters.
    [{ systemId: "smpp_a", password: "longer-than-8" }, "password"],
  ] as const) {
    const res = await post(body);
    expect(res.status, JSON.stringify(body)).toBe(422);
    expect(res.body.errors.map((e: { path: string }) => e.path), JSON.stringify(body)).toContain(field);
  }
});

it("rotating a CMPP account's secret re-seals it; an SMPP account still refuses a password over 8", async () => {
  api = await startTestApi({ secrets: box });
  const { sp } = await createSp(api);
  const cmpp = await api.as(api.operatorToken).post("/api/v1/accounts", { spId: sp.id, systemId: "901111", protocol: "cmpp", password: "first-secret-1" });
  const smpp = await api.as(api.operatorToken).post("/api/v1/accounts", { spId: sp.id, systemId: "smpp_a", password: "abcdef12" });
  const sealed = async (id: string) => (await api!.database.db.select().from(bindAccounts).where(eq(bindAccounts.id, id)))[0]!.secretSealed;
  expect(box.open((await sealed(cmpp.id))!)).toBe("first-secret-1");
  const rotated = await api.request("POST", `/api/v1/accounts/${cmpp.id}/password`, { body: { password: "second-secret-22" } });
  expect(rotated.status).toBe(200);
  expect(box.open((await sealed(cmpp.id))!)).toBe("second-secret-22");
  const tooLong = await api.request("POST", `/api/v1/accounts/${smpp.id}/password`, { body: { password: "longer-than-8" } });
  expect(tooLong.status).toBe(422);
  expect(await sealed(smpp.id)).toBeNull();
});
