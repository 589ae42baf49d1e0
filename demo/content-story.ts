/**
 * Story 5 of `npm run demo`: what a message may say. Files and approves 云端科技's own link
 * domain and 星河银行's one template, makes 【星河银行】 template-only, enforces the `links` and
 * `templates` groups through the settings API (they ship in monitor), then sends: a foreign short
 * link (refused), the enterprise's own domain (accepted), free text under the bank's signature
 * (refused) and its template (accepted). Idempotent: a second run finds what the first filed.
 */
import type { ApiClient } from "./api-client.ts";
import type { DemoWorld } from "./seed.ts";

type Row = { id: string; status: string; domain?: string; text?: string };

export async function seedContentStory(api: ApiClient, world: DemoWorld): Promise<void> {
  const domains = await api.get<{ items: Row[] }>(`/link-domains?enterpriseId=${world.cloud.id}`);
  let domain = domains.items.find((d) => d.domain === "yunduan-keji.com" && d.status !== "revoked");
  domain ??= await api.post<Row>("/link-domains", { enterpriseId: world.cloud.id, domain: "www.yunduan-keji.com", icpNumber: "沪ICP备20261001号-1" });
  if (domain.status === "pending") await api.post(`/link-domains/${domain.id}/approve`, { reason: "demo: ICP filing checked" });

  const text = "您的验证码是{code}，5分钟内有效。";
  const templates = await api.get<{ items: Row[] }>(`/templates?signatureId=${world.signatures.bank.id}`);
  let template = templates.items.find((t) => t.text === text && t.status !== "revoked");
  template ??= await api.post<Row>("/templates", { signatureId: world.signatures.bank.id, text });
  if (template.status === "pending") await api.post(`/templates/${template.id}/approve`, { reason: "demo: the bank's OTP template" });
  await api.put(`/signatures/${world.signatures.bank.id}/template-required`, { required: true, reason: "demo: a bank sends only its templates" });

  const settings = await api.get<{ ruleModes: Record<string, string> }>("/settings/policy");
  await api.put("/settings/policy", { ...settings, ruleModes: { ...settings.ruleModes, links: "enforce", templates: "enforce" }, reason: "demo: enforce links and templates" });
}
