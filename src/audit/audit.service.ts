import { listPage } from "../db/list-page.ts";
import { createHash } from "node:crypto";
import { and, asc, desc, eq, gt, gte, lt, sql } from "drizzle-orm";
import type { Db, Executor } from "../db/client.ts";
import { auditLog } from "../db/schema/index.ts";
import { spScope, type Actor, type ServiceContext } from "../context.ts";

export const GENESIS_HASH = "0".repeat(64);
const AUDIT_LOCK_KEY = 7_712_001;

export interface AuditEntry {
  action: string;
  objectType: string;
  objectId: string;
  /** The SP the object belongs to, so an SP can read the audit trail of its own objects. */
  objectSpId?: string | null;
  before?: unknown;
  after?: unknown;
  reason?: string | null;
}

/** JSON with sorted keys and dates as ISO strings: jsonb reorders keys, so hashes use this form. */
export function canonicalJson(value: unknown): string {
  return JSON.stringify(normaliseForJson(value));
}

export function normaliseForJson(value: unknown): unknown {
  if (value === undefined) return null;
  if (value instanceof Date) return value.toISOString();
  if (Array.isArray(value)) return value.map(normaliseForJson);
  if (value && typeof value === "object") {
    const out: Record<string, unknown> = {};
    for (const key of Object.keys(value).sort()) {
      const v = (value as Record<string, unknown>)[key];
      if (v !== undefined) out[key] = normaliseForJson(v);
    }
    return out;
  }
  return value;
}

interface HashedFields {
  at: Date;
  actorType: string;
  actorId: string | null;
  action: string;
  objectType: string;
  objectId: string;
  before: unknown;
  after: unknown;
  reason: string | null;
  prevHash: string;
}

export function auditHash(row: HashedFields): string {
  const material = canonicalJson({
    at: row.at.toISOString(),
    actorType: row.actorType,
    actorId: row.actorId,
    action: row.action,
    objectType: row.objectType,
    objectId: row.objectId,
    before: row.before ?? null,
    after: row.after ?? null,
    reason: row.reason ?? null,
    prevHash: row.prevHash,
  });
  return createHash("sha256").update(material).digest("hex");
}

function actorFields(actor: Actor) {
  return { actorType: actor.type, actorId: actor.id, actorSpId: actor.type === "sp" ? actor.spId : null };
}

/**
 * Appends one row to the hash chain. Call it inside the transaction that makes the change:
 * the advisory lock serialises writers so the chain has no forks, and the row commits or rolls
 * back with the change itself.
 */
export async function recordAudit(ctx: ServiceContext, entry: AuditEntry): Promise<void> {
  const tx = ctx.db;
  await tx.execute(sql`select pg_advisory_xact_lock(${AUDIT_LOCK_KEY})`);
  const [last] = await tx.select({ hash: auditLog.hash }).from(auditLog).orderBy(sql`${auditLog.seq} desc`).limit(1);
  const prevHash = last?.hash ?? GENESIS_HASH;
  const before = entry.before === undefined ? null : normaliseForJson(entry.before);
  const after = entry.after === undefined ? null : normaliseForJson(entry.after);
  const row = {
    at: ctx.now,
    ...actorFields(ctx.actor),
    action: entry.action,
    objectType: entry.objectType,
    objectId: entry.objectId,
    objectSpId: entry.objectSpId ?? null,
    before,
    after,
    reason: entry.reason ?? null,
    prevHash,
  };
  await tx.insert(auditLog).values({ ...row, hash: auditHash(row) });
}

export interface ChainVerification {
  ok: boolean;
  checked: number;
  firstBrokenSeq: number | null;
  problem: string | null;
}

/** Walks the whole chain in order and names the first row whose hash or link does not hold. */
export async function verifyAuditChain(db: Executor | Db, batchSize = 1000): Promise<ChainVerification> {
  let prevHash = GENESIS_HASH;
  let checked = 0;
  let afterSeq = 0;
  for (;;) {
    const batch = await db.select().from(auditLog).where(gt(auditLog.seq, afterSeq)).orderBy(asc(auditLog.seq)).limit(batchSize);
    if (batch.length === 0) break;
    for (const row of batch) {
      if (row.prevHash !== prevHash) {
        return { ok: false, checked, firstBrokenSeq: row.seq, problem: "prev_hash does not match the previous row" };
      }
      if (auditHash(row) !== row.hash) {
        return { ok: false, checked, firstBrokenSeq: row.seq, problem: "row content does not match its hash" };
      }
      prevHash = row.hash;
      checked++;
      afterSeq = row.seq;
    }
  }
  return { ok: true, checked, firstBrokenSeq: null, problem: null };
}

export interface AuditFilter {
  objectType?: string;
  objectId?: string;
  action?: string;
  /** The acting token's id (actor_id). */
  actor?: string;
  actorType?: string;
  /** Inclusive lower bound on `at`. */
  from?: Date;
  /** Exclusive upper bound on `at`. */
  to?: Date;
  order?: "asc" | "desc";
}

/**
 * Reads the trail by seq, oldest first (or newest first with order=desc); `after` is the last seq
 * of the previous page. An SP sees only rows about its own objects (object_sp_id). Fetches
 * limit + 1 rows (see toPage).
 */
export async function listAuditEntries(ctx: ServiceContext, filter: AuditFilter, page: { limit: number; after?: number }) {
  const scope = spScope(ctx.actor);
  const descending = filter.order === "desc";
  const rows = await listPage(ctx.db.select().from(auditLog).$dynamic(), ctx, {
    key: auditLog.seq,
    descending,
    sp: auditLog.objectSpId,
    filters: [
        filter.objectType ? eq(auditLog.objectType, filter.objectType) : undefined,
        filter.objectId ? eq(auditLog.objectId, filter.objectId) : undefined,
        filter.action ? eq(auditLog.action, filter.action) : undefined,
        filter.actor ? eq(auditLog.actorId, filter.actor) : undefined,
        filter.actorType ? eq(auditLog.actorType, filter.actorType) : undefined,
        filter.from ? gte(auditLog.at, filter.from) : undefined,
        filter.to ? lt(auditLog.at, filter.to) : undefined,
    ],
    page,
  });
  return scope ? rows.map((row) => ({ ...row, before: withoutHashes(row.before), after: withoutHashes(row.after) })) : rows;
}

/**
 * An SP's copy of an audit row's before/after: without any `…Hash` field (recipient hashes of
 * opt-outs and complaints, password and token hashes). A keyed recipient hash is a stable identifier
 * of a person across SPs; SPs get the mask only. (The chain is verified on the stored rows, by
 * operators and auditors.)
 */
export function withoutHashes(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(withoutHashes);
  if (value && typeof value === "object") {
    const out: Record<string, unknown> = {};
    for (const [key, v] of Object.entries(value)) if (!/hash$/i.test(key.replace(/_/g, ""))) out[key] = withoutHashes(v);
    return out;
  }
  return value;
}
