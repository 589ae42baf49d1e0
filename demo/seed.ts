import { usccCheckCharacter } from "../src/lib/uscc.ts";
import { ApiClient } from "./api-client.ts";

/** A valid (made-up) unified social credit code: 91 (company) + area 310000 + a serial + check. */
export function demoUscc(serial: number): string {
  const first17 = `91310000MA${String(serial).padStart(7, "0")}`;
  return first17 + usccCheckCharacter(first17);
}

export interface DemoWorld {
  spA: { id: string; name: string };
  spB: { id: string; name: string };
  cloud: { id: string };
  bank: { id: string };
  portA: { id: string; number: string };
  portB: { id: string; number: string };
  accountA: { systemId: string; password: string; id: string };
  accountB: { systemId: string; password: string; id: string };
  signatures: { cloudTech: { id: string }; cloudMall: { id: string }; cloudSelect: { id: string }; bank: { id: string } };
}

const first = async <T>(client: ApiClient, path: string): Promise<T | undefined> => (await client.get<{ items: T[] }>(path)).items[0];

/**
 * A small registry that tells the product's stories:
 * - 华信通信 (SP A) owns port 10690001 and carries 云端科技有限公司, whose extension is 01;
 *   its signatures: 【云端科技】 (verification, notification), 【云端商城】 and 【云端优选】 (marketing);
 * - 远景短信 (SP B) owns 10690002 and carries 星河银行 with 【星河银行】 — SP A has no contract for it.
 * Quiet hours are turned off so the marketing story works at any time of day.
 */
export async function seedDemoWorld(client: ApiClient): Promise<DemoWorld> {
  const sp = (name: string, licenceNumber: string) =>
    client.ensure<{ id: string; name: string }>("/service-providers", { name, licenceNumber }, (c) => first(c, `/service-providers?name=${encodeURIComponent(name)}`));
  const spA = await sp("华信通信", "B2-20190001");
  const spB = await sp("远景短信", "B2-20190002");

  const enterprise = (name: string, serial: number) =>
    client.ensure<{ id: string }>("/enterprises", { name, uscc: demoUscc(serial), contactName: "王经理" }, (c) => first(c, `/enterprises?uscc=${demoUscc(serial)}`));
  const cloud = await enterprise("云端科技有限公司", 1001);
  const bank = await enterprise("星河银行股份有限公司", 1002);

  const contract = async (spId: string, enterpriseId: string) => {
    const existing = await first<{ id: string }>(client, `/contracts?spId=${spId}&enterpriseId=${enterpriseId}`);
    return existing ?? client.post("/contracts", { spId, enterpriseId, validFrom: "2025-01-01", validTo: "2030-12-31" });
  };
  await contract(spA.id, cloud.id);
  await contract(spB.id, bank.id);

  const port = (number: string, spId: string) =>
    client.ensure<{ id: string; number: string }>("/ports", { number, spId }, (c) => first(c, `/ports?number=${number}`));
  const portA = await port("10690001", spA.id);
  const portB = await port("10690002", spB.id);
  const extensions = await client.get<{ items: { extension: string }[] }>(`/ports/${portA.id}/extensions`);
  if (!extensions.items.some((x) => x.extension === "01")) await client.post(`/ports/${portA.id}/extensions`, { extension: "01", enterpriseId: cloud.id });

  const account = async (spId: string, systemId: string, password: string) => {
    const created = await client.ensure<{ id: string }>(
      "/accounts",
      { spId, systemId, password, maxBinds: 8, maxSubmitsPerSecond: 5000, defaultCategory: "notification" },
      (c) => first(c, `/accounts?systemId=${systemId}`),
    );
    return { id: created.id, systemId, password };
  };
  const accountA = await account(spA.id, "hx_sp", "hx123456");
  const accountB = await account(spB.id, "yj_sp", "yj123456");

  const signature = async (text: string, enterpriseId: string, spId: string, portId: string, scope: string[]) => {
    const filed = await client.ensure<{ id: string; status: string }>(
      "/signatures",
      // The real-name rule: a text that is part of the enterprise's name rests on its business
      // licence; a brand (云端商城) needs trademark, app or website evidence.
      { text, enterpriseId, spId, scope, ports: [{ portId }], evidence: text === "云端科技" || text === "星河银行" ? { kind: "business_licence", reference: demoUscc(1001) } : { kind: "trademark", reference: `第${demoUscc(1001).slice(-8)}号` } },
      (c) => first(c, `/signatures?text=${encodeURIComponent(text)}`),
    );
    if (filed.status !== "approved") await client.post(`/signatures/${filed.id}/approve`, { reason: "demo: evidence checked" });
    return { id: filed.id };
  };
  const signatures = {
    cloudTech: await signature("云端科技", cloud.id, spA.id, portA.id, ["verification", "notification"]),
    cloudMall: await signature("云端商城", cloud.id, spA.id, portA.id, ["marketing", "notification"]),
    cloudSelect: await signature("云端优选", cloud.id, spA.id, portA.id, ["marketing"]),
    bank: await signature("星河银行", bank.id, spB.id, portB.id, ["verification", "notification"]),
  };
  const settings = await client.get<{ ruleModes: Record<string, string>; dailyMarketingCap: number | null }>("/settings/policy");
  await client.put("/settings/policy", { ...settings, quietHours: null, reason: "demo: marketing stories at any hour" });
  return { spA, spB, cloud, bank, portA, portB, accountA, accountB, signatures };
}
