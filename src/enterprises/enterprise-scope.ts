import { and, eq, gte, lte, or, sql, type SQL } from "drizzle-orm";
import type { AnyPgColumn } from "drizzle-orm/pg-core";
import type { Executor } from "../db/client.ts";
import { contracts, enterprises } from "../db/schema/index.ts";

/**
 * Which enterprises an SP may act for. Two notions:
 * - an *active contract*: status 'active' and today (China Standard Time, the contracts' calendar)
 *   between valid_from and valid_to inclusive — needed to file a signature for the enterprise;
 * - *visible*: the SP filed the enterprise, or holds an active contract with it — enough to read
 *   and add that enterprise's opt-outs.
 */

const CHINA_OFFSET_MINUTES = 8 * 60;

/** The calendar date (YYYY-MM-DD) at `now` in UTC+8; contract dates are Chinese calendar dates. */
export function chinaDate(now: Date): string {
  return new Date(now.getTime() + CHINA_OFFSET_MINUTES * 60_000).toISOString().slice(0, 10);
}

function activeContractCondition(spId: string, enterpriseId: SQL | AnyPgColumn | string, now: Date): SQL {
  const today = chinaDate(now);
  return and(
    eq(contracts.spId, spId),
    typeof enterpriseId === "string" ? eq(contracts.enterpriseId, enterpriseId) : sql`${contracts.enterpriseId} = ${enterpriseId}`,
    eq(contracts.status, "active"),
    lte(contracts.validFrom, today),
    gte(contracts.validTo, today),
  )!;
}

export async function hasActiveContract(db: Executor, spId: string, enterpriseId: string, now: Date): Promise<boolean> {
  const [row] = await db.select({ id: contracts.id }).from(contracts).where(activeContractCondition(spId, enterpriseId, now)).limit(1);
  return Boolean(row);
}

/**
 * A condition on `enterpriseColumn` (a column of another table, e.g. opt_outs.enterprise_id): the
 * enterprise is visible to this SP (filed by it, or under an active contract).
 */
export function enterpriseVisibleToSp(enterpriseColumn: AnyPgColumn, spId: string, now: Date): SQL {
  return or(
    sql`exists (select 1 from ${enterprises} where ${enterprises.id} = ${enterpriseColumn} and ${enterprises.filedBySpId} = ${spId})`,
    sql`exists (select 1 from ${contracts} where ${activeContractCondition(spId, enterpriseColumn, now)})`,
  )!;
}

/** The enterprise, when it exists and (for an SP) is visible to it. */
export async function findVisibleEnterprise(db: Executor, enterpriseId: string, spId: string | undefined, now: Date) {
  const [row] = await db
    .select({ id: enterprises.id, status: enterprises.status, filedBySpId: enterprises.filedBySpId })
    .from(enterprises)
    .where(
      and(
        eq(enterprises.id, enterpriseId),
        // Not enterpriseVisibleToSp(enterprises.id …): its subquery on enterprises would shadow the outer row.
        spId ? or(eq(enterprises.filedBySpId, spId), sql`exists (select 1 from ${contracts} where ${activeContractCondition(spId, enterpriseId, now)})`) : undefined,
      ),
    );
  return row;
}
