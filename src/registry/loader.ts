import { and, asc, eq, gt, inArray, sql } from "drizzle-orm";
import type { Database, Db, Executor } from "../db/client.ts";
import { loadInBulk } from "./bulk-load.ts";
import { asOfSql, estimatedRows, KEYED_SETS, loadKeyedSetPaged } from "./keyed-sets.ts";
import { resultRows } from "../db/rows.ts";
import { chinaDayEndMs, chinaDayStartMs } from "../lib/dates.ts";
import {
  bindAccounts,
  contracts,
  doNotDisturb,
  enterprises,
  optOuts,
  portExtensions,
  ports,
  serviceProviders,
  settings,
  signaturePorts,
  signatures,
} from "../db/schema/index.ts";
import type { Category, PolicySettings, RuleMode, SignatureEntry } from "../policy/types.ts";
import { RegistrySnapshot } from "./snapshot.ts";
import { signatureEntry } from "./signature-entry.ts";
import { readPolicySettings, type InvalidSetting } from "../settings/policy-settings.schemas.ts";
import { parseChange, type RegistryTable } from "../db/change-feed.ts";
import { applyShieldChange, loadShield } from "./shield-loader.ts";
import { applyContentChange, loadContent } from "./content-loader.ts";

const categorySet = (values: readonly string[] | null): ReadonlySet<Category> | null => (values ? new Set(values as Category[]) : null);
import { applyConsentFeed, loadConsentRequests } from "./consents-loader.ts";

const BATCH = 50_000;
// Contract dates are calendar days in China time: valid from 00:00 of the first to the end of the last.

type SignatureRow = typeof signatures.$inferSelect;

async function* keyset<T extends { id: string }>(fetch: (after: string | undefined) => Promise<T[]>): AsyncGenerator<T[]> {
  let after: string | undefined;
  for (;;) {
    const rows = await fetch(after);
    if (rows.length === 0) return;
    yield rows;
    after = rows[rows.length - 1]!.id;
    if (rows.length < BATCH) return;
  }
}

/** The policy settings, each field checked by its schema; a bad stored value keeps its default and is reported. */
export async function loadSettings(db: Executor, onInvalid?: InvalidSetting): Promise<PolicySettings> {
  return readPolicySettings(db, onInvalid);
}

async function loadSignatures(db: Db, snapshot: RegistrySnapshot, rows: SignatureRow[]): Promise<void> {
  if (rows.length === 0) return;
  const ids = rows.map((r) => r.id);
  const bindingRows = await db.select().from(signaturePorts).where(inArray(signaturePorts.signatureId, ids));
  const bindings = new Map<string, { portId: string; extension: string }[]>();
  for (const b of bindingRows) {
    let list = bindings.get(b.signatureId);
    if (!list) bindings.set(b.signatureId, (list = []));
    list.push({ portId: b.portId, extension: b.extension });
  }
  for (const row of rows) {
    const active = snapshot.enterpriseStatus.get(row.enterpriseId) !== "suspended";
    const entry = {
      id: row.id,
      text: row.text,
      enterpriseId: row.enterpriseId,
      spId: row.spId,
      status: row.status,
      scope: new Set(row.scope as Category[]),
      expiresAt: row.expiresAt ? row.expiresAt.getTime() : null,
      bindings: bindings.get(row.id) ?? [],
      templateRequired: row.templateRequired,
    };
    snapshot.putSignature(signatureEntry(entry, active));
  }
}

/** What the loader reports instead of failing: a change payload it cannot read, a stored setting that is not valid. */
export interface LoaderHooks {
  malformedChange?: (payload: string, error: string) => void;
  invalidSetting?: InvalidSetting;
  /** The clock consents are judged current by (epoch ms; default Date.now). */
  now?: () => number;
}

export interface LoadOptions {
  /** Database.bulkRead when the database has it (PostgreSQL): the national-scale tables load over COPY, in parallel. */
  bulkRead?: Database["bulkRead"];
  /** Worker threads for the keyed sets of a bulk load (0: none); by default chosen from their size (bulk-load.ts). */
  keyedSetThreads?: number;
}

/** Builds a complete snapshot: the large tables streamed (bulk-load.ts, keyed-sets.ts), so memory stays flat. */
export async function loadSnapshot(db: Db, hooks: LoaderHooks = {}, options: LoadOptions = {}): Promise<RegistrySnapshot> {
  const sources = KEYED_SETS;
  const snapshot = new RegistrySnapshot();
  const now = (hooks.now ?? Date.now)();
  // Every set is read as of one instant: consents current then, opt-outs and the like unexpired then.
  const asOf = asOfSql(now);
  const bulk = options.bulkRead
    ? estimatedRows(db, sources).then((rows) => loadInBulk(options.bulkRead!, snapshot, sources, asOf, { estimatedRows: rows, threads: options.keyedSetThreads }))
    : undefined;
  // Meanwhile (or first, without bulkRead) the small tables, on the ordinary pool.
  const small = loadSmallTables(db, snapshot, hooks, { enterprises: !bulk });
  await Promise.all([bulk, small]);
  if (!bulk) {
    await loadAllSignatures(db, snapshot);
    for (const source of sources) {
      // Sized from the table up front: ten million keys would otherwise rehash the set ten times.
      const [size] = resultRows<{ n: number }>(await db.execute(sql.raw(`select count(*)::int as n from ${source.table}`)));
      snapshot.addKeyedSet(source.name, Number(size?.n ?? 0), { values: Boolean(source.expiresColumn) });
      await loadKeyedSetPaged(db, snapshot, source, asOf);
    }
  }
  await loadConsentRequests(db, snapshot, now);
  return snapshot;
}

async function loadSmallTables(db: Db, snapshot: RegistrySnapshot, hooks: LoaderHooks, what: { enterprises: boolean }): Promise<void> {
  snapshot.settings = await loadSettings(db, hooks.invalidSetting);
  for (const sp of await db.select({ id: serviceProviders.id, status: serviceProviders.status }).from(serviceProviders)) {
    snapshot.spStatus.set(sp.id, sp.status);
  }
  if (what.enterprises) {
    for await (const batch of keyset((after) =>
      db.select({ id: enterprises.id, status: enterprises.status }).from(enterprises).where(after ? gt(enterprises.id, after) : undefined).orderBy(asc(enterprises.id)).limit(BATCH),
    )) {
      for (const e of batch) snapshot.enterpriseStatus.set(e.id, e.status);
    }
  }
  for await (const batch of keyset((after) => db.select().from(ports).where(after ? gt(ports.id, after) : undefined).orderBy(asc(ports.id)).limit(BATCH))) {
    for (const p of batch) snapshot.putPort({ id: p.id, number: p.number, spId: p.spId, status: p.status, categories: categorySet(p.categories) });
  }
  for await (const batch of keyset((after) =>
    db.select().from(portExtensions).where(after ? gt(portExtensions.id, after) : undefined).orderBy(asc(portExtensions.id)).limit(BATCH),
  )) {
    for (const x of batch) snapshot.putExtension(x.portId, { id: x.id, extension: x.extension, enterpriseId: x.enterpriseId, categories: categorySet(x.categories) });
  }
  for await (const batch of keyset((after) =>
    db
      .select()
      .from(contracts)
      .where(and(eq(contracts.status, "active"), after ? gt(contracts.id, after) : undefined))
      .orderBy(asc(contracts.id))
      .limit(BATCH),
  )) {
    for (const c of batch) snapshot.putContract(c.id, c.spId, c.enterpriseId, chinaDayStartMs(c.validFrom), chinaDayEndMs(c.validTo));
  }
  for (const a of await db.select().from(bindAccounts)) snapshot.putAccount(accountEntry(a));
  await loadShield(db, snapshot);
  await loadContent(db, snapshot);
}

function accountEntry(a: typeof bindAccounts.$inferSelect) {
  return {
    id: a.id,
    spId: a.spId,
    kind: a.kind,
    carriedSpIds: a.carriedSpIds,
    systemId: a.systemId,
    passwordHash: a.passwordHash,
    protocol: a.protocol,
    secretSealed: a.secretSealed,
    allowedIps: a.allowedIps,
    maxBinds: a.maxBinds,
    maxSubmitsPerSecond: a.maxSubmitsPerSecond,
    defaultCategory: a.defaultCategory,
    status: a.status,
  };
}

/**
 * Applies one change-feed payload (its forms: src/db/change-feed.ts). Returns false when the
 * change needs a full reload instead, which is also the answer to a payload parseChange refuses
 * (reported through `hooks.malformedChange`, never thrown: a bad payload must not wedge the feed).
 */
export async function applyChange(db: Db, snapshot: RegistrySnapshot, payload: string, hooks: LoaderHooks = {}): Promise<boolean> {
  const parsed = parseChange(payload);
  if (!parsed.ok) {
    // Not written by encodeChange: say so, and let the caller reload rather than guess.
    hooks.malformedChange?.(payload, parsed.error);
    return false;
  }
  const change = parsed.change;
  switch (change.table) {
    case "settings":
      snapshot.settings = await loadSettings(db, hooks.invalidSetting);
      return true;
    case "service_providers":
      for (const sp of await db.select({ id: serviceProviders.id, status: serviceProviders.status }).from(serviceProviders).where(change.id ? eq(serviceProviders.id, change.id) : undefined)) {
        snapshot.spStatus.set(sp.id, sp.status);
      }
      return true;
    case "opt_outs":
      if (change.removed) snapshot.removeOptOut(change.removed.recipientHash, change.removed.enterpriseId);
      else if (change.id) await applyRow.opt_outs(db, snapshot, change.id);
      return Boolean(change.removed || change.id);
    case "do_not_disturb":
    case "subscriber_preferences":
    case "honeypots":
      return applyShieldChange(db, snapshot, change);
    case "consents":
    case "consent_requests":
      return applyConsentFeed(db, snapshot, change, (hooks.now ?? Date.now)());
    case "link_domains":
    case "callback_numbers":
    case "content_rules":
    case "signature_templates":
      return (await applyContentChange(db, snapshot, change)) ?? false;
    default: {
      const apply = applyRow[change.table];
      if (!apply || !change.id) return false; // a whole-table change of these needs a full reload
      await apply(db, snapshot, change.id);
      return true;
    }
  }
}

type RowChangeTable = Exclude<RegistryTable, "settings" | "service_providers" | "do_not_disturb" | "subscriber_preferences" | "honeypots" | "link_domains" | "callback_numbers" | "content_rules" | "signature_templates" | "consents" | "consent_requests">;

/** How one changed row reaches the snapshot, by table: read again, and put in or (when gone) removed. */
const applyRow: Record<RowChangeTable, (db: Db, snapshot: RegistrySnapshot, id: string) => Promise<void>> = {
  async enterprises(db, snapshot, id) {
    const [row] = await db.select({ id: enterprises.id, status: enterprises.status }).from(enterprises).where(eq(enterprises.id, id));
    if (row) snapshot.enterpriseStatus.set(row.id, row.status);
    // A suspended enterprise suspends its signatures: their entries are rebuilt with its status.
    await loadSignatures(db, snapshot, await db.select().from(signatures).where(eq(signatures.enterpriseId, id)));
  },
  async ports(db, snapshot, id) {
    const [row] = await db.select().from(ports).where(eq(ports.id, id));
    if (row) snapshot.putPort({ id: row.id, number: row.number, spId: row.spId, status: row.status, categories: categorySet(row.categories) });
    else snapshot.removePort(id);
  },
  async port_extensions(db, snapshot, id) {
    const [row] = await db.select().from(portExtensions).where(eq(portExtensions.id, id));
    if (row) snapshot.putExtension(row.portId, { id: row.id, extension: row.extension, enterpriseId: row.enterpriseId, categories: categorySet(row.categories) });
    else snapshot.removeExtension(id);
  },
  async contracts(db, snapshot, id) {
    const [row] = await db.select().from(contracts).where(eq(contracts.id, id));
    if (row && row.status === "active") snapshot.putContract(row.id, row.spId, row.enterpriseId, chinaDayStartMs(row.validFrom), chinaDayEndMs(row.validTo));
    else snapshot.removeContract(id);
  },
  async bind_accounts(db, snapshot, id) {
    const [row] = await db.select().from(bindAccounts).where(eq(bindAccounts.id, id));
    if (row) snapshot.putAccount(accountEntry(row));
    else snapshot.removeAccount(id);
  },
  async signatures(db, snapshot, id) {
    const rows = await db.select().from(signatures).where(eq(signatures.id, id));
    if (rows.length) await loadSignatures(db, snapshot, rows);
    else snapshot.removeSignature(id);
  },
  async opt_outs(db, snapshot, id) {
    const [row] = await db.select({ recipientHash: optOuts.recipientHash, enterpriseId: optOuts.enterpriseId }).from(optOuts).where(eq(optOuts.id, id));
    if (row) snapshot.addOptOut(row.recipientHash, row.enterpriseId);
  },
};

const NO_ID = "00000000-0000-0000-0000-000000000000";

interface SignaturePageRow {
  id: string;
  text: string;
  enterpriseId: string;
  spId: string;
  status: SignatureEntry["status"];
  scope: string;
  expiresAt: number | null;
  /** "portId:extension" pairs joined with ",", or null when unbound. */
  bindings: string | null;
  templateRequired: boolean;
}

/**
 * All signatures for a full load (a million at national scale): only the columns the hot path
 * reads, bindings aggregated on the server (no second query with 50,000 ids per page), and the
 * values every signature repeats — scope sets, enterprise, SP and port ids — shared rather than
 * allocated a million times. The result is the same SignatureEntry that signatureEntry() builds.
 */
async function loadAllSignatures(db: Db, snapshot: RegistrySnapshot): Promise<void> {
  const scopes = new Map<string, ReadonlySet<Category>>();
  const bindingLists = new Map<string, SignatureEntry["bindings"]>();
  const ids = new Map<string, string>();
  const intern = (value: string) => {
    const known = ids.get(value);
    if (known !== undefined) return known;
    ids.set(value, value);
    return value;
  };
  for (let after = NO_ID; ; ) {
    const rows = resultRows<SignaturePageRow>(
      await db.execute(sql`
        select s.id, s.text, s.enterprise_id::text as "enterpriseId", s.sp_id::text as "spId", s.status, array_to_string(s.scope, ',') as scope, s.template_required as "templateRequired",
          floor(extract(epoch from s.expires_at) * 1000)::float8 as "expiresAt",
          (select string_agg(b.port_id::text || ':' || b.extension, ',') from signature_ports b where b.signature_id = s.id) as bindings
        from signatures s where s.id > ${after}::uuid order by s.id limit ${BATCH}`),
    );
    for (const row of rows) {
      let scope = scopes.get(row.scope);
      if (!scope) scopes.set(row.scope, (scope = new Set((row.scope === "" ? [] : row.scope.split(",")) as Category[])));
      // Signatures bound to the same port(s) share one (read-only) bindings list.
      const bindingsKey = row.bindings ?? "";
      let bindings = bindingLists.get(bindingsKey);
      if (!bindings) {
        const list: SignatureEntry["bindings"][number][] = [];
        if (row.bindings) {
          for (const pair of row.bindings.split(",")) {
            const colon = pair.indexOf(":");
            list.push({ portId: intern(pair.slice(0, colon)), extension: pair.slice(colon + 1) });
          }
        }
        bindingLists.set(bindingsKey, (bindings = list));
      }
      const enterpriseId = intern(row.enterpriseId);
      const enterpriseActive = snapshot.enterpriseStatus.get(enterpriseId) !== "suspended";
      snapshot.putSignature(
        signatureEntry(
          {
            id: row.id,
            text: row.text,
            enterpriseId,
            spId: intern(row.spId),
            status: row.status,
            scope,
            expiresAt: row.expiresAt === null ? null : Number(row.expiresAt),
            bindings,
            templateRequired: row.templateRequired === true,
          },
          enterpriseActive,
        ),
      );
    }
    if (rows.length < BATCH) break;
    after = rows[rows.length - 1]!.id;
  }
}
