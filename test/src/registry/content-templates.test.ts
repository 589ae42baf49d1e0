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
  expect(registry.templates.templatesFor("shop")).toBeUndefined();
  expect(registry.templates.size).toBe(11);
});

it("compiles a signature's templates when a message first needs them: a stored row that does not compile then leaves and matches nothing", () => {
  const registry = new ContentRegistry();
  registry.templates.put("good", "bank", "您的验证码是{code}，请勿泄露。");
  // Filing refuses such a text (422); a row written around the API is held until first use.
  registry.templates.put("bad", "bank", "您的验证码是{bogus}");
  registry.templates.put("only-bad", "shop", "订单{number");
  expect(registry.templates.size).toBe(3);
  expect(fits(registry, "bank", "您的验证码是123456，请勿泄露。")).toBe("good");
  expect(fits(registry, "bank", "您的验证码是abc")).toBe("template_not_matched");
  expect(registry.templates.size).toBe(2);
  // A signature whose every template fails has none, as if it had never had one.
  expect(registry.templates.templatesFor("shop")).toBeUndefined();
  expect(registry.templates.size).toBe(1);
  // Puts and removals on a compiled signature keep its index: a new template fits at once, a removed one no longer does.
  registry.templates.put("second", "bank", "您的取件码是{code}");
  expect(fits(registry, "bank", "您的取件码是8888")).toBe("second");
  registry.templates.remove("good");
  expect(fits(registry, "bank", "您的验证码是123456，请勿泄露。")).toBe("template_not_matched");
  expect(registry.templates.size).toBe(1);
});

it("keeps an enterprise's approved link domains and call-back numbers through puts and removals, one value or several", () => {
  const registry = new ContentRegistry();
  registry.linkDomains.put("d1", "ent-a", "example.com");
  registry.linkDomains.put("d2", "ent-b", "example.com");
  expect(registry.isLinkDomainApproved("ent-a", "example.com")).toBe(true);
  expect(registry.isLinkDomainApproved("ent-a", "example.net")).toBe(false);
  registry.linkDomains.put("d3", "ent-a", "example.net");
  registry.linkDomains.put("d4", "ent-a", "example.org");
  expect(["example.com", "example.net", "example.org", "example.edu"].map((d) => registry.isLinkDomainApproved("ent-a", d))).toEqual([true, true, true, false]);
  registry.linkDomains.remove("d1");
  registry.linkDomains.remove("d4");
  expect(["example.com", "example.net", "example.org"].map((d) => registry.isLinkDomainApproved("ent-a", d))).toEqual([false, true, false]);
  // A row edited to another value (the change feed's put of the same id) replaces its old value.
  registry.linkDomains.put("d3", "ent-a", "example.edu");
  expect(["example.net", "example.edu"].map((d) => registry.isLinkDomainApproved("ent-a", d))).toEqual([false, true]);
  registry.linkDomains.remove("d3");
  expect(registry.isLinkDomainApproved("ent-a", "example.edu")).toBe(false);
  expect(registry.isLinkDomainApproved("ent-b", "example.com")).toBe(true);
  expect(registry.linkDomains.size).toBe(1);
  registry.callbacks.put("c1", "ent-a", "4008001234");
  registry.callbacks.put("c2", "ent-a", "4008005678");
  registry.callbacks.remove("c2");
  expect([registry.isCallbackApproved("ent-a", "4008001234"), registry.isCallbackApproved("ent-a", "4008005678")]).toEqual([true, false]);
});
