import { buildTemplateIndex, matchTemplateKept, type TemplateChecks, type TemplateIndex } from "../content/templates.ts";
import type { ContentView } from "../types.ts";
import type { MessageRule } from "./rule.ts";

const NO_TEMPLATES: TemplateIndex = buildTemplateIndex([]);

/** A template value's links and call-back numbers, checked against the enterprise's allowlists. */
class EnterpriseChecks implements TemplateChecks {
  constructor(
    private readonly content: ContentView | undefined,
    private readonly enterpriseId: string,
  ) {}

  isApprovedDomain(domain: string): boolean {
    return this.content?.isLinkDomainApproved(this.enterpriseId, domain) ?? false;
  }

  isRegisteredCallback(normalised: string): boolean {
    return this.content?.isCallbackApproved(this.enterpriseId, normalised) ?? false;
  }
}

/**
 * Signature templates: a signature marked templateRequired (banks, government) may send only the
 * texts it registered. The body (signature stripped) must fit one of the signature's approved
 * templates with valid values (content/templates.ts: {code} 4–8 digits, {url} on a domain
 * approved for the enterprise, {phone} a registered call-back number, no link or number smuggled
 * in another variable), else template_not_matched, or template_variable_invalid when the fixed
 * text fits and a value does not. Skips for signatures without templateRequired.
 */
export const templatesRule: MessageRule = {
  group: "templates",
  judges: "message",
  categories: "all",
  check(facts) {
    const signature = facts.signature;
    if (!signature?.templateRequired) return undefined;
    const content = facts.registry.content;
    const enterpriseId = signature.enterpriseId;
    const verdict = matchTemplateKept(content?.templates ?? NO_TEMPLATES, signature.id, facts.kept, new EnterpriseChecks(content, enterpriseId));
    if (verdict.ok) return undefined;
    return { reason: verdict.reason, detail: verdict.detail };
  },
};
