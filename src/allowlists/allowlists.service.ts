import { parse } from "tldts";
import { and, eq } from "drizzle-orm";
import { callbackNumbers, linkDomains } from "../db/schema/index.ts";
import { isUniqueViolation } from "../db/errors.ts";
import { listPage } from "../db/list-page.ts";
import { notifyRegistryChange, withTransaction } from "../db/transaction.ts";
import { newId } from "../lib/ids.ts";
import { isOperator, spScope, type ServiceContext } from "../context.ts";
import { recordAudit } from "../audit/audit.service.ts";
import { hasActiveContract } from "../enterprises/enterprise-scope.ts";
import { ServiceError, conflict, forbidden, invalid, notFound } from "../lib/errors.ts";
import { extractPhoneNumbers } from "../policy/content/phones.ts";
import { enterprises } from "../db/schema/index.ts";
import type { CreateCallbackNumberInput, CreateLinkDomainInput, ListAllowlistFilter } from "./allowlists.schemas.ts";

export type LinkDomain = typeof linkDomains.$inferSelect;
export type CallbackNumber = typeof callbackNumbers.$inferSelect;
type Kind = "link_domain" | "callback_number";
const TABLES = { link_domain: linkDomains, callback_number: callbackNumbers } as const;
const FEED = { link_domain: "link_domains", callback_number: "callback_numbers" } as const;

/**
 * The registrable domain (eTLD+1 by the Public Suffix List, private suffixes included, punycode)
 * of what the filer wrote — a domain, a host or a URL — the same form the links rule compares.
 */
export function registrableDomainOf(written: string): string | undefined {
  let host: string;
  try {
    host = new URL(/^[a-z][a-z0-9+.-]*:\/\//i.test(written) ? written : `http://${written}`).hostname;
  } catch {
    return undefined;
  }
  const parsed = parse(host, { allowPrivateDomains: true });
  if (parsed.isIp || !parsed.domain || (parsed.isIcann !== true && parsed.isPrivate !== true)) return undefined;
  return parsed.domain;
}

/** The one number the text holds, as the call-back rule reads numbers in messages. */
export function callbackNumberOf(written: string): { number: string; kind: CallbackNumber["kind"] } | undefined {
  // The phone word lets a bare 7–8 digit local number read as one (content/phones.ts).
  const found = extractPhoneNumbers(`电话 ${written}`);
  if (found.length !== 1) return undefined;
  return { number: found[0]!.normalised, kind: found[0]!.kind };
}

/** Who files: an SP for an enterprise it carries (active contract), an operator for any; auditors read. */
async function filer(ctx: ServiceContext, enterpriseId: string): Promise<string | null> {
  if (ctx.actor.type === "auditor") throw forbidden("auditors cannot file");
  const [enterprise] = await ctx.db.select({ id: enterprises.id }).from(enterprises).where(eq(enterprises.id, enterpriseId));
  const scope = spScope(ctx.actor);
  if (!enterprise || (scope && !(await hasActiveContract(ctx.db, scope, enterpriseId, ctx.now)))) {
    throw invalid("enterpriseId", scope ? "the enterprise has no active contract with this SP" : "no such enterprise");
  }
  return scope ?? null;
}

/** Files a link domain as `pending` (an operator approves it); a live filing of the same domain for the enterprise is 409. */
export async function createLinkDomain(ctx: ServiceContext, input: CreateLinkDomainInput): Promise<LinkDomain> {
  const domain = registrableDomainOf(input.domain.toLowerCase());
  if (!domain) throw invalid("domain", "must be a domain under a public suffix (example.com), not an IP address or a bare suffix");
  return withTransaction(ctx, async (tx) => {
    const spId = await filer(tx, input.enterpriseId);
    try {
      const [row] = await tx.db
        .insert(linkDomains)
        .values({ id: newId(), enterpriseId: input.enterpriseId, spId, domain, icpNumber: input.icpNumber, createdAt: tx.now, updatedAt: tx.now })
        .returning();
      await recordAudit(tx, { action: "link_domain.create", objectType: "link_domain", objectId: row!.id, objectSpId: spId, after: row });
      return row!;
    } catch (error) {
      if (isUniqueViolation(error)) throw conflict(`${domain} is already filed for this enterprise`);
      throw error;
    }
  });
}

/** Files a call-back number as `pending`; the text must hold exactly one phone number. */
export async function createCallbackNumber(ctx: ServiceContext, input: CreateCallbackNumberInput): Promise<CallbackNumber> {
  const read = callbackNumberOf(input.number);
  if (!read) throw invalid("number", "must be one phone number (400/800/95xxx/landline/mobile)");
  return withTransaction(ctx, async (tx) => {
    const spId = await filer(tx, input.enterpriseId);
    try {
      const [row] = await tx.db
        .insert(callbackNumbers)
        .values({ id: newId(), enterpriseId: input.enterpriseId, spId, number: read.number, kind: read.kind, createdAt: tx.now, updatedAt: tx.now })
        .returning();
      await recordAudit(tx, { action: "callback_number.create", objectType: "callback_number", objectId: row!.id, objectSpId: spId, after: row });
      return row!;
    } catch (error) {
      if (isUniqueViolation(error)) throw conflict(`${read.number} is already filed for this enterprise`);
      throw error;
    }
  });
}

export async function listLinkDomains(ctx: ServiceContext, filter: ListAllowlistFilter, page: { limit: number; after?: string }) {
  return listPage(ctx.db.select().from(linkDomains).$dynamic(), ctx, {
    key: linkDomains.id,
    sp: linkDomains.spId,
    filters: [filter.enterpriseId ? eq(linkDomains.enterpriseId, filter.enterpriseId) : undefined, filter.status ? eq(linkDomains.status, filter.status) : undefined],
    page,
  });
}

export async function listCallbackNumbers(ctx: ServiceContext, filter: ListAllowlistFilter, page: { limit: number; after?: string }) {
  return listPage(ctx.db.select().from(callbackNumbers).$dynamic(), ctx, {
    key: callbackNumbers.id,
    sp: callbackNumbers.spId,
    filters: [filter.enterpriseId ? eq(callbackNumbers.enterpriseId, filter.enterpriseId) : undefined, filter.status ? eq(callbackNumbers.status, filter.status) : undefined],
    page,
  });
}

/**
 * An operator approves a pending filing (it counts within a second on every proxy) or revokes a
 * pending or approved one (final: file again). The reason is kept on the row and in the audit.
 */
export async function decideAllowlist(ctx: ServiceContext, kind: "link_domain", id: string, decision: "approve" | "revoke", reason: string): Promise<LinkDomain>;
export async function decideAllowlist(ctx: ServiceContext, kind: "callback_number", id: string, decision: "approve" | "revoke", reason: string): Promise<CallbackNumber>;
export async function decideAllowlist(ctx: ServiceContext, kind: Kind, id: string, decision: "approve" | "revoke", reason: string): Promise<LinkDomain | CallbackNumber> {
  if (!isOperator(ctx.actor)) throw forbidden("only operators approve or revoke");
  const table = TABLES[kind];
  return withTransaction(ctx, async (tx) => {
    const [before] = await tx.db.select().from(table).where(eq(table.id, id)).for("update");
    if (!before) throw notFound(kind.replace("_", " "));
    const allowed = decision === "approve" ? before.status === "pending" : before.status !== "revoked";
    if (!allowed) throw new ServiceError("INVALID_TRANSITION", `a ${before.status} filing cannot be ${decision === "approve" ? "approved" : "revoked"}`);
    const status = decision === "approve" ? ("approved" as const) : ("revoked" as const);
    const [after] = await tx.db
      .update(table)
      .set({ status, statusReason: reason, updatedAt: tx.now, ...(status === "approved" ? { approvedAt: tx.now } : {}) })
      .where(and(eq(table.id, id)))
      .returning();
    await recordAudit(tx, { action: `${kind}.${decision}`, objectType: kind, objectId: id, objectSpId: before.spId, before, after, reason });
    await notifyRegistryChange(tx.db, { table: FEED[kind], id });
    return after!;
  });
}

export async function getAllowlistRow(ctx: ServiceContext, kind: Kind, id: string): Promise<LinkDomain | CallbackNumber> {
  const table = TABLES[kind];
  const scope = spScope(ctx.actor);
  const [row] = await ctx.db.select().from(table).where(and(eq(table.id, id), scope ? eq(table.spId, scope) : undefined));
  if (!row) throw notFound(kind.replace("_", " "));
  return row;
}
