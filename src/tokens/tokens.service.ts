import { listPage } from "../db/list-page.ts";
import { createHash, randomBytes } from "node:crypto";
import { and, eq, isNull } from "drizzle-orm";
import type { Db } from "../db/client.ts";
import { apiTokens, serviceProviders } from "../db/schema/index.ts";
import { withTransaction } from "../db/transaction.ts";
import { newId } from "../lib/ids.ts";
import type { Actor, ServiceContext } from "../context.ts";
import { recordAudit } from "../audit/audit.service.ts";
import { ServiceError, forbidden, invalid, notFound } from "../lib/errors.ts";
import { assertServiceProviderExists } from "../service-providers/service-providers.service.ts";

export type Role = (typeof apiTokens.$inferSelect)["role"];

export function hashToken(secret: string): string {
  return createHash("sha256").update(secret).digest("hex");
}

export function generateTokenSecret(): string {
  return `gk_${randomBytes(32).toString("base64url")}`;
}

export type TokenView = Omit<typeof apiTokens.$inferSelect, "tokenHash">;

function view(row: typeof apiTokens.$inferSelect): TokenView {
  const { tokenHash: _hidden, ...rest } = row;
  return rest;
}

export interface CreateTokenInput {
  name: string;
  role: Role;
  spId?: string | null;
}

/** Creates a token; the secret is returned once and only its hash is kept. */
export async function createToken(ctx: ServiceContext, input: CreateTokenInput, secret = generateTokenSecret()) {
  if (ctx.actor.type === "sp") {
    // An SP may mint tokens for itself only, never another role.
    if (input.role !== "sp") throw forbidden("an SP may only create SP tokens");
    input = { ...input, spId: ctx.actor.spId };
  } else if (ctx.actor.type === "auditor") {
    throw forbidden("auditors cannot create tokens");
  }
  if (input.role === "sp" && !input.spId) throw invalid("spId", "is required for role sp");
  if (input.role !== "sp" && input.spId) throw invalid("spId", "is only allowed for role sp");
  return withTransaction(ctx, async (tx) => {
    if (input.spId) await assertServiceProviderExists(tx.db, input.spId);
    const [row] = await tx.db
      .insert(apiTokens)
      .values({ id: newId(), name: input.name, role: input.role, spId: input.spId ?? null, tokenHash: hashToken(secret), prefix: secret.slice(0, 8), createdAt: tx.now })
      .returning();
    await recordAudit(tx, { action: "token.create", objectType: "token", objectId: row!.id, objectSpId: row!.spId, after: view(row!) });
    return { token: view(row!), secret };
  });
}

export async function listTokens(ctx: ServiceContext, page: { limit: number; after?: string }) {
  const rows = await listPage(ctx.db.select().from(apiTokens).$dynamic(), ctx, { key: apiTokens.id, sp: apiTokens.spId, page });
  return rows.map(view);
}

export async function revokeToken(ctx: ServiceContext, id: string, reason?: string) {
  return withTransaction(ctx, async (tx) => {
    const [row] = await tx.db.select().from(apiTokens).where(eq(apiTokens.id, id));
    if (!row || (ctx.actor.type === "sp" && row.spId !== ctx.actor.spId)) throw notFound("token");
    if (ctx.actor.type === "auditor") throw forbidden("auditors cannot revoke tokens");
    if (row.revokedAt) return view(row);
    const [updated] = await tx.db.update(apiTokens).set({ revokedAt: tx.now }).where(eq(apiTokens.id, id)).returning();
    await recordAudit(tx, { action: "token.revoke", objectType: "token", objectId: id, objectSpId: row.spId, before: view(row), after: view(updated!), reason });
    return view(updated!);
  });
}

/** Resolves a presented secret to an actor, or undefined. */
export function authenticateToken(db: Db, secret: string, now: Date): Promise<Actor | undefined> {
  return authenticateTokenHash(db, hashToken(secret), now);
}

/** Resolves a token by its stored hash (the web console's session refers to the hash, never the secret). */
export async function authenticateTokenHash(db: Db, tokenHash: string, now: Date): Promise<Actor | undefined> {
  const [row] = await db
    .select()
    .from(apiTokens)
    .where(and(eq(apiTokens.tokenHash, tokenHash), isNull(apiTokens.revokedAt)));
  if (!row) return undefined;
  if (!row.lastUsedAt || now.getTime() - row.lastUsedAt.getTime() > 60_000) {
    await db.update(apiTokens).set({ lastUsedAt: now }).where(eq(apiTokens.id, row.id));
  }
  if (row.role === "sp") {
    if (!row.spId) return undefined;
    const [sp] = await db.select({ status: serviceProviders.status }).from(serviceProviders).where(eq(serviceProviders.id, row.spId));
    if (!sp) return undefined;
    // A suspended SP keeps reading (its journal, its findings) but changes nothing until reinstated.
    return sp.status === "suspended" ? { type: "sp", id: row.id, spId: row.spId, readOnly: true } : { type: "sp", id: row.id, spId: row.spId };
  }
  return { type: row.role, id: row.id };
}

/**
 * Start-up bootstrap: makes sure an operator can get in. With ADMIN_TOKEN set, that secret becomes
 * an operator token (once). Otherwise, when no live operator token exists, one is generated and
 * its secret returned so the caller can print it once.
 */
export async function ensureBootstrapToken(ctx: ServiceContext, adminToken?: string): Promise<string | undefined> {
  if (adminToken) {
    const [existing] = await ctx.db.select({ id: apiTokens.id }).from(apiTokens).where(eq(apiTokens.tokenHash, hashToken(adminToken)));
    if (!existing) await createToken(ctx, { name: "bootstrap (ADMIN_TOKEN)", role: "operator" }, adminToken);
    return undefined;
  }
  const [live] = await ctx.db
    .select({ id: apiTokens.id })
    .from(apiTokens)
    .where(and(eq(apiTokens.role, "operator"), isNull(apiTokens.revokedAt)))
    .limit(1);
  if (live) return undefined;
  const { secret } = await createToken(ctx, { name: "bootstrap", role: "operator" });
  return secret;
}

export { ServiceError };
