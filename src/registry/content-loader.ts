import { and, asc, eq, gt } from "drizzle-orm";
import type { Db } from "../db/client.ts";
import { callbackNumbers, contentRules, linkDomains, signatureTemplates } from "../db/schema/index.ts";
import type { RegistryChange } from "../db/change-feed.ts";
import type { RegistrySnapshot } from "./snapshot.ts";
import { collectGarbage } from "./keyed-sets.ts";

// Pages of 10,000 rows, each followed by a quick collection: the content tables load beside the
// national sets (often last, after the signatures' full collection), and a page's row objects are
// garbage the moment it is applied. With pages of 50,000 the national load peaked at 1.49–1.62 GB
// (four runs), with 10,000 at 1.38 GB (two runs); left to the collector's own pace, the pages
// still added 240 MB of garbage to the end of the load (1.31–1.52 GB peak on 2 December), with a
// collection per page 70 MB, for 0.2 s more.
const BATCH = 10_000;

async function pages<T extends { id: string }>(fetch: (after: string | undefined) => Promise<T[]>, each: (row: T) => void): Promise<void> {
  let after: string | undefined;
  for (;;) {
    const rows = await fetch(after);
    for (const row of rows) each(row);
    collectGarbage(false);
    if (rows.length < BATCH) return;
    after = rows[rows.length - 1]!.id;
  }
}

/** Loads the approved link domains, call-back numbers and templates, and the content rules, into a fresh snapshot. */
export async function loadContent(db: Db, snapshot: RegistrySnapshot): Promise<void> {
  const content = snapshot.content;
  await pages(
    (after) =>
      db
        .select({ id: linkDomains.id, enterpriseId: linkDomains.enterpriseId, domain: linkDomains.domain })
        .from(linkDomains)
        .where(and(eq(linkDomains.status, "approved"), after ? gt(linkDomains.id, after) : undefined))
        .orderBy(asc(linkDomains.id))
        .limit(BATCH),
    (row) => content.linkDomains.put(row.id, row.enterpriseId, row.domain),
  );
  await pages(
    (after) =>
      db
        .select({ id: callbackNumbers.id, enterpriseId: callbackNumbers.enterpriseId, number: callbackNumbers.number })
        .from(callbackNumbers)
        .where(and(eq(callbackNumbers.status, "approved"), after ? gt(callbackNumbers.id, after) : undefined))
        .orderBy(asc(callbackNumbers.id))
        .limit(BATCH),
    (row) => content.callbacks.put(row.id, row.enterpriseId, row.number),
  );
  await pages(
    (after) =>
      db
        .select({ id: signatureTemplates.id, signatureId: signatureTemplates.signatureId, text: signatureTemplates.text })
        .from(signatureTemplates)
        .where(and(eq(signatureTemplates.status, "approved"), after ? gt(signatureTemplates.id, after) : undefined))
        .orderBy(asc(signatureTemplates.id))
        .limit(BATCH),
    (row) => content.templates.put(row.id, row.signatureId, row.text),
  );
  await reloadContentRules(db, snapshot);
}

async function reloadContentRules(db: Db, snapshot: RegistrySnapshot): Promise<void> {
  snapshot.content.setContentRules(await db.select().from(contentRules));
}

/** Applies a change to one of the content tables; undefined when the change is about another table. */
export async function applyContentChange(db: Db, snapshot: RegistrySnapshot, change: RegistryChange): Promise<boolean | undefined> {
  const content = snapshot.content;
  const id = change.id;
  switch (change.table) {
    case "content_rules":
      await reloadContentRules(db, snapshot);
      return true;
    case "link_domains": {
      if (!id) return false;
      const [row] = await db.select().from(linkDomains).where(eq(linkDomains.id, id));
      if (row?.status === "approved") content.linkDomains.put(row.id, row.enterpriseId, row.domain);
      else content.linkDomains.remove(id);
      return true;
    }
    case "callback_numbers": {
      if (!id) return false;
      const [row] = await db.select().from(callbackNumbers).where(eq(callbackNumbers.id, id));
      if (row?.status === "approved") content.callbacks.put(row.id, row.enterpriseId, row.number);
      else content.callbacks.remove(id);
      return true;
    }
    case "signature_templates": {
      if (!id) return false;
      const [row] = await db.select().from(signatureTemplates).where(eq(signatureTemplates.id, id));
      if (row?.status === "approved") content.templates.put(row.id, row.signatureId, row.text);
      else content.templates.remove(id);
      return true;
    }
    default:
      return undefined;
  }
}
