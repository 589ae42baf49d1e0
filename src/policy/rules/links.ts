import type { ExtractedLink } from "../content/links.ts";
import type { Facts } from "./facts.ts";
import type { MessageRule } from "./rule.ts";

/** Every URL-like thing in the body, read through the disguises content/links.ts undoes (once per decision: facts.links). */
export function linksOf(facts: Facts): ExtractedLink[] {
  return facts.links;
}

/**
 * Link allowlist (India's URL whitelisting, Chinese platforms' fixed ICP-filed links, US carriers'
 * ban on public shorteners): every link's registrable domain (eTLD+1 by the Public Suffix List)
 * must be approved for the enterprise behind the signature (link-domains). A public shortener
 * (the operator's list, settings `shorteners`) is refused under its own reason unless the
 * shortener's own domain is approved for the enterprise. Skips without a registered signature.
 */
export const linksRule: MessageRule = {
  group: "links",
  judges: "message",
  categories: "all",
  check(facts) {
    const enterpriseId = facts.enterpriseId;
    if (enterpriseId === undefined) return undefined;
    const links = linksOf(facts);
    if (links.length === 0) return undefined;
    const content = facts.registry.content;
    for (const link of links) {
      if (content?.isLinkDomainApproved(enterpriseId, link.registrableDomain)) continue;
      const what = link.host === link.registrableDomain ? link.host : `${link.host} (${link.registrableDomain})`;
      if (link.shortener) return { reason: "link_shortener_not_allowed", detail: `public shortener ${what} is not approved for enterprise ${enterpriseId}` };
      return { reason: "link_not_allowed", detail: `link to ${what} is not approved for enterprise ${enterpriseId}` };
    }
    return undefined;
  },
};
