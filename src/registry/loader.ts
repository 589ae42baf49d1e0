import { and, asc, eq, gt, inArray, sql } from "drizzle-orm";
import type { Db, Executor } from "../db/client.ts";
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
import { readPolicySettings, type InvalidSetting } from "../settings/policy-settings.schemas.ts";
import { parseChange } from "../db/change-feed.ts";
import { applyConsentFeed, countCurrentConsents, loadConsentRequests, loadConsents } from "./consents-loader.ts";

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

/**
 * The one mapper from a stored signature to the snapshot's entry, for both load paths (the full
 * load and a single-row change). A suspended enterprise suspends all of its signatures.
 */
function signatureEntry(
  row: Omit<SignatureEntry, "status"> & { status: SignatureEntry["status"] },
  enterpriseActive: boolean,
): SignatureEntry {
  return { ...row, status: !enterpriseActive && row.status === "approved" ? "suspended" : row.status };
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
    };
    snapshot.putSignature(signatureEntry(entry, active));
  }
}

/** Builds a complete snapshot. Large tables are read in keyset batches so memory stays flat. */
/** What the loader reports instead of failing: a change payload it cannot read, a stored setting that is not valid. */
export interface LoaderHooks {
  malformedChange?: (payload: string, error: string) => void;
  invalidSetting?: InvalidSetting;
  /** The clock consents are judged current by (epoch ms; default Date.now). */
  now?: () => number;
}

export async function loadSnapshot(db: Db, hooks: LoaderHooks = {}): Promise<RegistrySnapshot> {
  // Sized from the tables up front: ten million opt-outs would otherwise rehash the set ten times.
  const [sizes] = resultRows<{ optOuts: number; doNotDisturb: number }>(
    await db.execute(sql`select (select count(*) from opt_outs)::int as "optOuts", (select count(*) from do_not_disturb)::int as "doNotDisturb"`),
  );
  const now = (hooks.now ?? Date.now)();
  const snapshot = new RegistrySnapshot({
    optOuts: Number(sizes?.optOuts ?? 0),
    doNotDisturb: Number(sizes?.doNotDisturb ?? 0),
    consents: await countCurrentConsents(db, now),
  });
  snapshot.settings = await loadSettings(db, hooks.invalidSetting);
  for (const sp of await db.select({ id: serviceProviders.id, status: serviceProviders.status }).from(serviceProviders)) {
    snapshot.spStatus.set(sp.id, sp.status);
  }
  for await (const batch of keyset((after) =>
    db.select({ id: enterprises.id, status: enterprises.status }).from(enterprises).where(after ? gt(enterprises.id, after) : undefined).orderBy(asc(enterprises.id)).limit(BATCH),
  )) {
    for (const e of batch) snapshot.enterpriseStatus.set(e.id, e.status);
  }
  for await (const batch of keyset((after) => db.select().from(ports).where(after ? gt(ports.id, after) : undefined).orderBy(asc(ports.id)).limit(BATCH))) {
    for (const p of batch) snapshot.putPort({ id: p.id, number: p.number, spId: p.spId, status: p.status });
  }
  for await (const batch of keyset((after) =>
    db.select().from(portExtensions).where(after ? gt(portExtensions.id, after) : undefined).orderBy(asc(portExtensions.id)).limit(BATCH),
  )) {
    for (const x of batch) snapshot.putExtension(x.portId, { id: x.id, extension: x.extension, enterpriseId: x.enterpriseId });
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
  await loadAllSignatures(db, snapshot);
  for (const a of await db.select().from(bindAccounts)) snapshot.putAccount(accountEntry(a));
  await loadRecipientSets(db, snapshot);
  await loadConsents(db, snapshot, now);
  await loadConsentRequests(db, snapshot, now);
  return snapshot;
}

function accountEntry(a: typeof bindAccounts.$inferSelect) {
  return {
    id: a.id,
    spId: a.spId,
    systemId: a.systemId,
    passwordHash: a.passwordHash,
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
  const id = change.id;
  switch (change.table) {
    case "settings":
      snapshot.settings = await loadSettings(db, hooks.invalidSetting);
      return true;
    case "service_providers": {
      for (const sp of await db.select({ id: serviceProviders.id, status: serviceProviders.status }).from(serviceProviders).where(id ? eq(serviceProviders.id, id) : undefined)) {
        snapshot.spStatus.set(sp.id, sp.status);
      }
      return true;
    }
    case "enterprises": {
      if (!id) return false;
      const [row] = await db.select({ id: enterprises.id, status: enterprises.status }).from(enterprises).where(eq(enterprises.id, id));
      if (row) snapshot.enterpriseStatus.set(row.id, row.status);
      await loadSignatures(db, snapshot, await db.select().from(signatures).where(eq(signatures.enterpriseId, id)));
      return true;
    }
    case "ports": {
      if (!id) return false;
      const [row] = await db.select().from(ports).where(eq(ports.id, id));
      if (row) snapshot.putPort({ id: row.id, number: row.number, spId: row.spId, status: row.status });
      else snapshot.removePort(id);
      return true;
    }
    case "port_extensions": {
      if (!id) return false;
      const [row] = await db.select().from(portExtensions).where(eq(portExtensions.id, id));
      if (row) snapshot.putExtension(row.portId, { id: row.id, extension: row.extension, enterpriseId: row.enterpriseId });
      else snapshot.removeExtension(id);
      return true;
    }
    case "contracts": {
      if (!id) return false;
      const [row] = await db.select().from(contracts).where(eq(contracts.id, id));
      if (row && row.status === "active") snapshot.putContract(row.id, row.spId, row.enterpriseId, chinaDayStartMs(row.validFrom), chinaDayEndMs(row.validTo));
      else snapshot.removeContract(id);
      return true;
    }
    case "bind_accounts": {
      if (!id) return false;
      const [row] = await db.select().from(bindAccounts).where(eq(bindAccounts.id, id));
      if (row) snapshot.putAccount(accountEntry(row));
      else snapshot.removeAccount(id);
      return true;
    }
    case "signatures": {
      if (!id) return false;
      const rows = await db.select().from(signatures).where(eq(signatures.id, id));
      if (rows.length) await loadSignatures(db, snapshot, rows);
      else snapshot.removeSignature(id);
      return true;
    }
    case "opt_outs": {
      if (change.removed) {
        snapshot.removeOptOut(change.removed.recipientHash, change.removed.enterpriseId);
        return true;
      }
      if (!id) return false;
      const [row] = await db.select({ recipientHash: optOuts.recipientHash, enterpriseId: optOuts.enterpriseId }).from(optOuts).where(eq(optOuts.id, id));
      if (row) snapshot.addOptOut(row.recipientHash, row.enterpriseId);
      return true;
    }
    case "do_not_disturb": {
      if (change.removed) {
        snapshot.removeDoNotDisturb(change.removed.recipientHash);
        return true;
      }
      if (!id) return false;
      const [row] = await db.select({ recipientHash: doNotDisturb.recipientHash }).from(doNotDisturb).where(eq(doNotDisturb.id, id));
      if (row) snapshot.addDoNotDisturb(row.recipientHash);
      return true;
    }
    default: // consents and consent_requests (their own module); anything else reloads
      return change.table === "consents" || change.table === "consent_requests" ? applyConsentFeed(db, snapshot, change, (hooks.now ?? Date.now)()) : false;
  }
}

const RECIPIENT_PAGE = 100_000;
const NO_ID = "00000000-0000-0000-0000-000000000000";

interface RecipientPage {
  n: number;
  last: string | null;
  /** The first 16 characters of each recipient hash (all the key uses), concatenated in id order. */
  hashes: string | null;
  /** Each row's enterprise id (36 characters), concatenated in the same order (opt-outs only). */
  enterprises?: string | null;
  /** False when a page holds a hash shorter than 16 characters: that page is read row by row. */
  regular: boolean | null;
}

/**
 * Opt-outs and do-not-disturb: ten million rows, so no row objects. Each page of 100,000 rows comes
 * back as one row of concatenated strings (string_agg on the server), parsed in place into the
 * compact key sets. Keyset pagination by id keeps each query on the primary key.
 */
async function loadRecipientSets(db: Db, snapshot: RegistrySnapshot): Promise<void> {
  // Both aggregates read the page's rows in the same order, so the i-th hash and the i-th
  // enterprise id belong to one row (no ORDER BY needed inside the aggregates).
  const optOutPage = async (after: string) =>
    resultRows<RecipientPage>(
      await db.execute(sql`
        select count(*)::int as n, max(id::text) as last, bool_and(length(recipient_hash) >= 16) as regular,
          string_agg(left(recipient_hash, 16), '') as hashes, string_agg(enterprise_id::text, '') as enterprises
        from (select id, recipient_hash, enterprise_id from opt_outs where id > ${after}::uuid order by id limit ${RECIPIENT_PAGE}) page`),
    )[0];
  await pagesPipelined(optOutPage, async (page, after) => {
    if (page.regular) return snapshot.addOptOutsPacked(page.hashes!, 16, page.enterprises!, 36, page.n);
    const rows = await db
      .select({ recipientHash: optOuts.recipientHash, enterpriseId: optOuts.enterpriseId })
      .from(optOuts)
      .where(and(gt(optOuts.id, after), sql`${optOuts.id} <= ${page.last}::uuid`));
    for (const o of rows) snapshot.addOptOut(o.recipientHash, o.enterpriseId);
  });
  const dndPage = async (after: string) =>
    resultRows<RecipientPage>(
      await db.execute(sql`
        select count(*)::int as n, max(id::text) as last, bool_and(length(recipient_hash) >= 16) as regular,
          string_agg(left(recipient_hash, 16), '') as hashes
        from (select id, recipient_hash from do_not_disturb where id > ${after}::uuid order by id limit ${RECIPIENT_PAGE}) page`),
    )[0];
  await pagesPipelined(dndPage, async (page, after) => {
    if (page.regular) return snapshot.addDoNotDisturbPacked(page.hashes!, 16, page.n);
    const rows = await db
      .select({ recipientHash: doNotDisturb.recipientHash })
      .from(doNotDisturb)
      .where(and(gt(doNotDisturb.id, after), sql`${doNotDisturb.id} <= ${page.last}::uuid`));
    for (const d of rows) snapshot.addDoNotDisturb(d.recipientHash);
  });
}

/** Keyset pages where the next page is requested before this one is parsed: the database and the loader work at the same time. */
async function pagesPipelined(fetch: (after: string) => Promise<RecipientPage | undefined>, apply: (page: RecipientPage, after: string) => Promise<void> | void): Promise<void> {
  let after = NO_ID;
  let next: Promise<RecipientPage | undefined> | undefined = fetch(after);
  while (next) {
    const page: RecipientPage | undefined = await next;
    if (!page || page.n === 0 || !page.last) return;
    next = page.n < RECIPIENT_PAGE ? undefined : fetch(page.last);
    await apply(page, after);
    after = page.last;
  }
}

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
        select s.id, s.text, s.enterprise_id::text as "enterpriseId", s.sp_id::text as "spId", s.status, array_to_string(s.scope, ',') as scope,
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
          { id: row.id, text: row.text, enterpriseId, spId: intern(row.spId), status: row.status, scope, expiresAt: row.expiresAt === null ? null : Number(row.expiresAt), bindings },
          enterpriseActive,
        ),
      );
    }
    if (rows.length < BATCH) break;
    after = rows[rows.length - 1]!.id;
  }
}
