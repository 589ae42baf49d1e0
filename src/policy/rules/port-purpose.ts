import type { MessageRule } from "./rule.ts";

/**
 * Port purpose: a port (and optionally an extension) is registered for the categories it may carry
 * (a verification-code port does not carry marketing). The extension's declaration, when it has
 * one, replaces the port's; neither declared means any category. The category is the one the
 * message is judged as (declared, escalated by what the body reads as), so declaring VER on a
 * marketing text does not pass a verification-only port. Skips without a port.
 */
export const portPurposeRule: MessageRule = {
  group: "port_purpose",
  judges: "message",
  categories: "all",
  check(facts) {
    const match = facts.match;
    if (!match) return undefined;
    const extensionCategories = match.extension?.categories;
    const allowed = extensionCategories ?? match.port.categories;
    if (!allowed) return undefined;
    const category = facts.category;
    if (allowed.has(category)) return undefined;
    const where = extensionCategories ? `extension ${match.extension!.id} of port ${match.port.id}` : `port ${match.port.id}`;
    return { reason: "port_category_not_allowed", detail: `${where} carries ${[...allowed].join("/") || "nothing"}, not ${category}` };
  },
};
