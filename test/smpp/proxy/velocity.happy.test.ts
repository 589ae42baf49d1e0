import { describe, expect, it } from "vitest";
import { eq } from "drizzle-orm";
import { encodeText } from "../../../src/text/index.ts";
import { rejections } from "../../../src/db/schema/index.ts";
import { commandStatusFor } from "../../../src/policy/reasons.ts";
import type { TestGateway } from "../../helpers/gateway.ts";
import { useSharedProxies } from "../../helpers/proxies.ts";
import { seedAndSync, waitFor } from "../../helpers/world.ts";

/**
 * Carrier-wide velocity over real SMPP (node-smpp as the SP): monitor mode lets codes through and
 * journals the would-be refusal; enforce refuses with the permanent vendor status; two proxies on
 * one database (through PostgreSQL, and through Redis) count each other's codes.
 */
const proxies = useSharedProxies();

const EXCEEDED = commandStatusFor("recipient_velocity_exceeded");

const code = (to: string) => ({
  source_addr: "10690001",
  destination_addr: to,
  service_type: "VER",
  data_coding: 8,
  short_message: Buffer.from(encodeText("【云端科技】您的验证码是 161803。", 8)),
});

/** A proxy on the shared database with its own built-in SMSC. */
const gateway = (env: Record<string, string> = {}) => proxies.gateway(undefined, env);

/** Sets the velocity limits and the group's mode through the API, and waits until every proxy has them. */
async function configure(on: TestGateway, velocity: Record<string, number | null>, mode: "monitor" | "enforce", all: TestGateway[] = [on]): Promise<void> {
  const current = await on.api.get("/settings/policy");
  await on.api.put("/settings/policy", { ...current, velocity, ruleModes: { ...current.ruleModes, velocity: mode }, reason: "test: velocity limits" });
  for (const g of all) await waitFor(() => g.registry.snapshot.settings.velocity.perTenMinutes === velocity.perTenMinutes && g.registry.snapshot.settings.ruleModes.velocity === mode, 3000, "settings on every proxy");
}

const LIMITS = { perTenMinutes: 3, perHour: null, perDay: null, enterprisesPerHour: null };

describe("velocity over SMPP", () => {
  it("monitor mode lets the fourth code through and journals the would-be refusal; enforce refuses it with 0x470", { timeout: 120_000 }, async () => {
    await proxies.start(false);
    const proxy = await gateway();
    const world = await seedAndSync(proxy);
    await configure(proxy, LIMITS, "monitor");
    const esme = await proxies.bind(proxy, world.accountA);
    for (let i = 0; i < 4; i++) expect((await esme.submit(code("13800131001"))).status).toBe(0);
    await waitFor(async () => (await proxy.database.db.select().from(rejections).where(eq(rejections.reason, "recipient_velocity_exceeded"))).length === 1, 3000, "the monitored row");
    const [row] = await proxy.database.db.select().from(rejections).where(eq(rejections.reason, "recipient_velocity_exceeded"));
    expect(row).toMatchObject({ monitor: true, recipientMask: "138****1001" });
    expect(row!.recipientHash).not.toContain("13800131001");

    await configure(proxy, LIMITS, "enforce");
    const refused = await esme.submit(code("13800131001"));
    expect(refused.status).toBe(EXCEEDED);
    expect(EXCEEDED).toBe(0x470);
    // Declaring the code a notification is no way around it.
    expect((await esme.submit({ ...code("13800131001"), service_type: "NTF" })).status).toBe(EXCEEDED);
    // Another number is untouched; a refused code does not count, so the limit does not creep.
    expect((await esme.submit(code("13800131002"))).status).toBe(0);

    // The review lists the bombed number (masked) and the enterprise whose codes were involved.
    await waitFor(async () => (await proxy.database.db.select().from(rejections).where(eq(rejections.reason, "recipient_velocity_exceeded"))).length === 3, 3000, "the enforced rows");
    const review = await proxy.api.post<{ id: string }>("/reviews", { from: new Date(Date.now() - 3600_000).toISOString(), to: new Date(Date.now() + 60_000).toISOString() });
    const found = await proxy.api.get<{ items: { type: string; subjectId: string; evidence: any }[] }>(`/reviews/${review.id}/findings`);
    const bombing = found.items.filter((f) => f.type === "bombing_suspected");
    expect(bombing).toHaveLength(1);
    expect(bombing[0]!.subjectId).toBe(world.spA.id);
    expect(bombing[0]!.evidence.counts).toEqual({ numbers: 1, refusals: 3, enterprises: 1 });
    expect(bombing[0]!.evidence.numbers).toEqual([{ recipientMask: "138****1001", refusals: 3, enterpriseIds: [world.cloud.id] }]);
    expect(bombing[0]!.evidence.enterprises).toEqual([{ id: world.cloud.id, name: "云端科技有限公司" }]);
    expect(JSON.stringify(bombing)).not.toContain("13800131001");
  });

  for (const variant of ["postgres", "redis"] as const) {
    it(`two proxies share the counts (${variant}): codes through one count against the other`, { timeout: 120_000 }, async () => {
      await proxies.start(false);
      const env: Record<string, string> =
        variant === "redis"
          ? { REDIS_URL: process.env.TEST_REDIS_URL ?? "redis://127.0.0.1:6379", REDIS_KEY_PREFIX: `gk-test-${Math.random().toString(36).slice(2)}:`, VELOCITY_FLUSH_MS: "50" }
          : { PROXY_INSTANCES: "2", VELOCITY_FLUSH_MS: "50" };
      const first = await gateway(env);
      const world = await seedAndSync(first);
      const second = await gateway(env);
      await waitFor(() => second.registry.snapshot.signatureByText("云端科技")?.status === "approved", 3000, "second proxy's snapshot");
      expect(first.proxy.gatekeeper.velocity.shared).toBe(variant);
      await configure(first, LIMITS, "enforce", [first, second]);
      const a = await proxies.bind(first, world.accountA);
      const b = await proxies.bind(second, world.accountA);
      const number = "13800131003";
      const hash = first.deps.pii.hash(number);

      expect((await a.submit(code(number))).status).toBe(0);
      expect((await a.submit(code(number))).status).toBe(0);
      // The second proxy learns of the first's two codes within a flush or two.
      await waitFor(() => second.proxy.gatekeeper.velocity.read(hash, Date.now()).tenMinutes === 2, 3000, "the other proxy's counts");
      // Written another way (0086…): the same number, the same count.
      expect((await b.submit(code(`0086${number}`))).status).toBe(0);
      // Three codes in all: the fourth is refused on either proxy.
      await waitFor(() => first.proxy.gatekeeper.velocity.read(hash, Date.now()).tenMinutes === 3, 3000, "the first proxy sees the third code");
      expect((await a.submit(code(number))).status).toBe(EXCEEDED);
      expect((await b.submit(code(number))).status).toBe(EXCEEDED);
    });
  }
});
