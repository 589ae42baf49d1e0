import { afterEach, expect, it } from "vitest";
import { eq } from "drizzle-orm";
import { parseConfig } from "../../../src/config.ts";
import { bindAccounts } from "../../../src/db/schema/index.ts";
import { startTestApi, type TestApi } from "../../helpers/api.ts";
import { createSp } from "../../helpers/registry.ts";

/**
 * Bind passwords are argon2id hashes at the configured cost (PASSWORD_HASH_MEMORY_KIB,
 * PASSWORD_HASH_PASSES; Bun's 64 MiB and 2 passes by default). A hash carries its own cost, so
 * one made at another cost still verifies.
 */
let api: TestApi | undefined;
afterEach(async () => {
  await api?.close();
});

it("defaults to 64 MiB and 2 passes, and refuses a cost below 1 MiB", () => {
  const config = parseConfig({});
  expect([config.PASSWORD_HASH_MEMORY_KIB, config.PASSWORD_HASH_PASSES]).toEqual([65_536, 2]);
  expect(() => parseConfig({ PASSWORD_HASH_MEMORY_KIB: "512" })).toThrow(/PASSWORD_HASH_MEMORY_KIB/);
});

it("hashes a new and a rotated password at the configured cost; both verify", async () => {
  api = await startTestApi();
  api.deps.passwordHashing = { memoryCost: 2048, timeCost: 3 };
  const { sp } = await createSp(api);
  const operator = api.as(api.operatorToken);
  const account = await operator.post("/api/v1/accounts", { spId: sp.id, systemId: "sp-cost", password: "s3cr3t!x" });
  const stored = async () => (await api!.database.db.select().from(bindAccounts).where(eq(bindAccounts.id, account.id)))[0]!.passwordHash;
  const first = await stored();
  expect(first).toMatch(/^\$argon2id\$v=19\$m=2048,t=3,p=1\$/);
  expect(await Bun.password.verify("s3cr3t!x", first)).toBe(true);

  api.deps.passwordHashing = { memoryCost: 1024, timeCost: 1 };
  await operator.post(`/api/v1/accounts/${account.id}/password`, { password: "n3w-pass" });
  const second = await stored();
  expect(second).toMatch(/^\$argon2id\$v=19\$m=1024,t=1,p=1\$/);
  expect(await Bun.password.verify("n3w-pass", second)).toBe(true);
});
