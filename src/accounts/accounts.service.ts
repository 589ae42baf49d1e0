import { listPage } from "../db/list-page.ts";
import { and, eq, inArray } from "drizzle-orm";
import { isUniqueViolation } from "../db/errors.ts";
import { bindAccounts, serviceProviders } from "../db/schema/index.ts";
import { notifyRegistryChange, withTransaction } from "../db/transaction.ts";
import { newId } from "../lib/ids.ts";
import { isOperator, spScope, type ServiceContext } from "../context.ts";
import type { Executor } from "../db/client.ts";
import { recordAudit } from "../audit/audit.service.ts";
import { conflict, forbidden, invalid, notFound } from "../lib/errors.ts";
import { SMPP_PASSWORD_MAX } from "./accounts.schemas.ts";
import type { CreateAccountInput, ListAccountsFilter, RotatePasswordInput, UpdateAccountInput } from "./accounts.schemas.ts";
import { assertServiceProviderExists } from "../service-providers/service-providers.service.ts";

type AccountRow = typeof bindAccounts.$inferSelect;
/** What leaves the service: never the password hash, never the sealed CMPP secret. */
export type BindAccount = Omit<AccountRow, "passwordHash" | "secretSealed">;

function view(row: AccountRow): BindAccount {
  const { passwordHash: _secret, secretSealed: _sealed, ...rest } = row;
  return rest;
}

/** A CMPP account's shared secret, sealed; refused when SECRETS_KEY is not configured. */
function sealCmppSecret(ctx: ServiceContext, secret: string): string {
  if (!ctx.secrets) throw invalid("protocol", "CMPP accounts need SECRETS_KEY configured on the server (their shared secret is stored encrypted)");
  return ctx.secrets.seal(secret);
}

/** What an SP may change on its own accounts; limits and status are the operator's. */
const SP_CHANGEABLE = new Set<keyof UpdateAccountInput>(["allowedIps", "reason"]);

/**
 * An SP sees only its own `sp` accounts: a gateway account belongs to no SP (its spId is null, so
 * the SP filter alone would already exclude it; the kind is checked as well so that stays true).
 */
async function findAccount(ctx: ServiceContext, id: string, forUpdate = false): Promise<AccountRow | undefined> {
  const scope = spScope(ctx.actor);
  const query = ctx.db
    .select()
    .from(bindAccounts)
    .where(and(eq(bindAccounts.id, id), scope ? and(eq(bindAccounts.spId, scope), eq(bindAccounts.kind, "sp")) : undefined));
  const [row] = forUpdate ? await query.for("update") : await query;
  return row;
}

/** spId belongs to an `sp` account, carriedSpIds to a `gateway` one. */
function checkKindFields(kind: "sp" | "gateway", input: { spId?: string; carriedSpIds?: string[] }): void {
  if (kind === "sp" && !input.spId) throw invalid("spId", "an sp account needs its service provider");
  if (kind === "sp" && input.carriedSpIds?.length) throw invalid("carriedSpIds", "only a gateway account carries other SPs");
  if (kind === "gateway" && input.spId) throw invalid("spId", "a gateway account belongs to no SP: each message belongs to its source port's owner");
}

async function checkCarriedSps(db: Executor, ids: string[] | undefined): Promise<void> {
  if (!ids?.length) return;
  const unique = [...new Set(ids)];
  const found = await db.select({ id: serviceProviders.id }).from(serviceProviders).where(inArray(serviceProviders.id, unique));
  if (found.length !== unique.length) throw invalid("carriedSpIds", "names a service provider that does not exist");
}

/** The operator opens bind accounts (they carry the SP's throughput limits); only an operator opens a gateway account. */
export async function createAccount(ctx: ServiceContext, input: CreateAccountInput): Promise<BindAccount> {
  if (!isOperator(ctx.actor)) throw forbidden("only an operator opens bind accounts");
  const protocol = input.protocol ?? "smpp";
  const secretSealed = protocol === "cmpp" ? sealCmppSecret(ctx, input.password) : null;
  // Hash before the transaction: argon2 is deliberately slow and must not hold locks.
  const passwordHash = await hashPassword(ctx, input.password);
  const kind = input.kind ?? "sp";
  checkKindFields(kind, input);
  if (kind === "gateway" && protocol === "cmpp") throw invalid("protocol", "a gateway account is an ISMG's SMPP bind; CMPP accounts are SPs' own");
  if (kind === "gateway" && !input.allowedIps?.length) throw invalid("allowedIps", "a gateway account needs the ISMG's addresses: it may send from every SP's ports");
  return withTransaction(ctx, async (tx) => {
    if (input.spId) await assertServiceProviderExists(tx.db, input.spId);
    await checkCarriedSps(tx.db, input.carriedSpIds);
    try {
      const [row] = await tx.db
        .insert(bindAccounts)
        .values({
          id: newId(),
          kind,
          spId: input.spId ?? null,
          carriedSpIds: input.carriedSpIds ?? [],
          systemId: input.systemId,
          passwordHash,
          protocol,
          secretSealed,
          allowedIps: input.allowedIps ?? [],
          maxBinds: input.maxBinds ?? 4,
          maxSubmitsPerSecond: input.maxSubmitsPerSecond ?? 100,
          defaultCategory: input.defaultCategory ?? "notification",
          status: input.status ?? "active",
          createdAt: tx.now,
          updatedAt: tx.now,
        })
        .returning();
      const account = view(row!);
      await recordAudit(tx, { action: "bind_account.create", objectType: "bind_account", objectId: account.id, objectSpId: account.spId, after: account });
      await notifyRegistryChange(tx.db, { table: "bind_accounts", id: account.id });
      return account;
    } catch (error) {
      if (isUniqueViolation(error)) throw conflict(`system_id ${input.systemId} is already taken`);
      throw error;
    }
  });
}

export async function getAccount(ctx: ServiceContext, id: string): Promise<BindAccount> {
  const row = await findAccount(ctx, id);
  if (!row) throw notFound("bind account");
  return view(row);
}

export async function listAccounts(ctx: ServiceContext, filter: ListAccountsFilter, page: { limit: number; after?: string }): Promise<BindAccount[]> {
  const rows = await listPage(ctx.db.select().from(bindAccounts).$dynamic(), ctx, {
    key: bindAccounts.id,
    sp: bindAccounts.spId,
    filters: [
      ctx.actor.type === "sp" ? eq(bindAccounts.kind, "sp") : undefined,
      filter.kind ? eq(bindAccounts.kind, filter.kind) : undefined,
      filter.spId ? eq(bindAccounts.spId, filter.spId) : undefined,
      filter.status ? eq(bindAccounts.status, filter.status) : undefined,
      filter.systemId ? eq(bindAccounts.systemId, filter.systemId) : undefined,
    ],
    page,
  });
  return rows.map(view);
}

/** Operators change anything; an SP may change the allowed addresses of its own accounts. */
export async function updateAccount(ctx: ServiceContext, id: string, input: UpdateAccountInput): Promise<BindAccount> {
  if (ctx.actor.type === "auditor") throw forbidden("auditors cannot change bind accounts");
  if (ctx.actor.type === "sp") {
    const refused = (Object.keys(input) as (keyof UpdateAccountInput)[]).filter((key) => !SP_CHANGEABLE.has(key));
    if (refused.length && (await findAccount(ctx, id))) throw forbidden(`only an operator may change ${refused.join(", ")}`);
  }
  return withTransaction(ctx, async (tx) => {
    const before = await findAccount(tx, id, true);
    if (!before) throw notFound("bind account");
    const { reason, ...changes } = input;
    if (changes.carriedSpIds !== undefined) {
      if (before.kind !== "gateway") throw invalid("carriedSpIds", "only a gateway account carries other SPs");
      await checkCarriedSps(tx.db, changes.carriedSpIds);
    }
    if (before.kind === "gateway" && changes.allowedIps !== undefined && changes.allowedIps.length === 0) {
      throw invalid("allowedIps", "a gateway account needs the ISMG's addresses: it may send from every SP's ports");
    }
    const [after] = await tx.db.update(bindAccounts).set({ ...changes, updatedAt: tx.now }).where(eq(bindAccounts.id, id)).returning();
    await recordAudit(tx, { action: "bind_account.update", objectType: "bind_account", objectId: id, objectSpId: before.spId, before: view(before), after: view(after!), reason });
    await notifyRegistryChange(tx.db, { table: "bind_accounts", id: id });
    return view(after!);
  });
}

/** The operator or the owning SP sets a new bind password; only its argon2id hash is kept. */
export async function rotateAccountPassword(ctx: ServiceContext, id: string, input: RotatePasswordInput): Promise<BindAccount> {
  if (ctx.actor.type === "auditor") throw forbidden("auditors cannot change bind accounts");
  const existing = await findAccount(ctx, id);
  if (!existing) throw notFound("bind account");
  if (existing.protocol !== "cmpp" && input.password.length > SMPP_PASSWORD_MAX) throw invalid("password", "must be at most 8 characters (the SMPP 3.4 password limit)");
  const secretSealed = existing.protocol === "cmpp" ? sealCmppSecret(ctx, input.password) : null;
  const passwordHash = await hashPassword(ctx, input.password);
  return withTransaction(ctx, async (tx) => {
    const before = await findAccount(tx, id, true);
    if (!before) throw notFound("bind account");
    const [after] = await tx.db.update(bindAccounts).set({ passwordHash, secretSealed, updatedAt: tx.now }).where(eq(bindAccounts.id, id)).returning();
    await recordAudit(tx, {
      action: "bind_account.password_rotate",
      objectType: "bind_account",
      objectId: id,
      objectSpId: before.spId,
      before: view(before),
      after: view(after!),
      reason: input.reason,
    });
    await notifyRegistryChange(tx.db, { table: "bind_accounts", id: id });
    return view(after!);
  });
}

/** argon2id at the configured cost (Bun's defaults without one). */
function hashPassword(ctx: ServiceContext, password: string): Promise<string> {
  const cost = ctx.passwordHashing;
  return cost ? Bun.password.hash(password, { algorithm: "argon2id", memoryCost: cost.memoryCost, timeCost: cost.timeCost }) : Bun.password.hash(password);
}
