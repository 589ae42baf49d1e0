import { expect, it } from "vitest";
import { matchTemplate } from "../../../src/policy/content/templates.ts";
import { ContentRegistry } from "../../../src/registry/content.ts";

const checks = { isApprovedDomain: () => false, isRegisteredCallback: () => false };
const fits = (registry: ContentRegistry, signatureId: string, body: string) => {
  const verdict = matchTemplate(registry.templates, signatureId, body, checks);
  return verdict.ok ? verdict.templateId : verdict.reason;
};

it("keeps each signature's templates through puts, replacements and removals, across the index's list and map forms", () => {
  const registry = new ContentRegistry();
  // Twelve templates under one signature: past the index's short list, into its maps.
  for (let i = 0; i < 12; i++) registry.templates.put(`t${i}`, "bank", `您的验证码是{code}，业务${i}。`);
  registry.templates.put("solo", "shop", "订单{number}已发货");
  expect(registry.templates.size).toBe(13);
  expect(fits(registry, "bank", "您的验证码是123456，业务7。")).toBe("t7");
  expect(fits(registry, "shop", "订单a1已发货")).toBe("solo");

  // A template replaced (the change feed's put of an edited row) and one revoked (its remove).
  registry.templates.put("t7", "bank", "您的验证码是{code}，新业务。");
  registry.templates.remove("t3");
  expect(registry.templates.size).toBe(12);
  expect(fits(registry, "bank", "您的验证码是123456，业务7。")).toBe("template_not_matched");
  expect(fits(registry, "bank", "您的验证码是123456，新业务。")).toBe("t7");
  expect(fits(registry, "bank", "您的验证码是123456，业务3。")).toBe("template_not_matched");
  expect(fits(registry, "bank", "您的验证码是123456，业务11。")).toBe("t11");

  // The last template of a signature gone: the signature has none.
  registry.templates.remove("solo");
  expect(fits(registry, "shop", "订单a1已发货")).toBe("template_not_matched");
  expect(registry.templates.bySignature.has("shop")).toBe(false);
  expect(registry.templates.size).toBe(11);
});
