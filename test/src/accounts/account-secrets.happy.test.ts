/** Key rotation in the database: every secret sealed with the previous key is re-sealed under the new one, and still opens. */
import { afterEach, expect, it } from "vitest";
import { eq } from "drizzle-orm";
import { resealAccountSecrets } from "../../../src/accounts/account-secrets.ts";
import { bindAccounts } from "../../../src/db/schema/index.ts";
import { createSecretBox, parseSecretsKey } from "../../../src/lib/secrets.ts";
import { startTestApi, type TestApi } from "../../helpers/api.ts";
import { createSp } from "../../helpers/registry.ts";

const oldKey = parseSecretsKey("01".repeat(32));
const newKey = parseSecretsKey("02".repeat(32));
let api: TestApi | undefined;
afterEach(async () => {
  await api?.close();
});

it("re-seals old seals once, leaves current ones, and reports seals no key opens", async () => {
  api = await startTestApi({ secrets: createSecretBox(oldKey) });
  const { sp } = await createSp(api);
  const operator = api.as(api.operatorToken);
  const a = await operator.post("/api/v1/accounts", { spId: sp.id, systemId: "901001", protocol: "cmpp", password: "secret-one" });
  const b = await operator.post("/api/v1/accounts", { spId: sp.id, systemId: "901002", protocol: "cmpp", password: "secret-two" });
  await api.database.db.update(bindAccounts).set({ secretSealed: createSecretBox(parseSecretsKey("03".repeat(32))).seal("lost") }).where(eq(bindAccounts.id, b.id));
  const rotated = createSecretBox(newKey, [oldKey]);
  const first = await resealAccountSecrets(api.database.db, rotated);
  expect(first).toEqual({ resealed: 1, unreadable: [b.id] });
  const [row] = await api.database.db.select().from(bindAccounts).where(eq(bindAccounts.id, a.id));
  expect(rotated.isCurrent(row!.secretSealed!)).toBe(true);
  expect(createSecretBox(newKey).open(row!.secretSealed!)).toBe("secret-one");
  expect(await resealAccountSecrets(api.database.db, rotated)).toEqual({ resealed: 0, unreadable: [b.id] });
});
