import { and, eq, gte, inArray, lt, sql } from "drizzle-orm";
import { enterprises, rejections, serviceProviders } from "../../db/schema/index.ts";
import type { FindingDetector, FindingDraft } from "../types.ts";
import { portInScope } from "./evidence.ts";

/** At most this many numbers are listed in one finding (the counts cover them all). */
const LISTED_NUMBERS = 50;

/**
 * 短信轰炸: numbers the carrier-wide velocity rule refused verification codes to (enforced or
 * monitored), per SP whose traffic it was. The evidence lists the numbers (masked) and the
 * enterprises whose codes were involved; all of it comes from this SP's own journal rows, so the
 * SP's view of the finding shows nothing of another SP's traffic. Recommended action: rectify (the
 * sites behind those enterprises need a captcha or rate limit on their code forms).
 */
export const bombingSuspected: FindingDetector = {
  types: ["bombing_suspected"],
  async detect({ db, scope }) {
    const rows = await db
      .select({
        spId: rejections.spId,
        recipientHash: rejections.recipientHash,
        mask: sql<string>`max(${rejections.recipientMask})`,
        refusals: sql<number>`count(*)::int`,
        enterpriseIds: sql<string[] | null>`array_remove(array_agg(distinct ${rejections.enterpriseId}::text), null)`,
      })
      .from(rejections)
      .where(
        and(
          eq(rejections.reason, "recipient_velocity_exceeded"),
          gte(rejections.at, scope.from),
          lt(rejections.at, scope.to),
          scope.spId ? eq(rejections.spId, scope.spId) : undefined,
          portInScope(rejections.portId, scope),
        ),
      )
      .groupBy(rejections.spId, rejections.recipientHash);
    const bySp = new Map<string, typeof rows>();
    for (const row of rows) {
      if (!row.spId || !row.recipientHash) continue;
      let list = bySp.get(row.spId);
      if (!list) bySp.set(row.spId, (list = []));
      list.push(row);
    }
    if (bySp.size === 0) return [];
    const enterpriseIds = [...new Set(rows.flatMap((row) => row.enterpriseIds ?? []))];
    const names = new Map(
      enterpriseIds.length ? (await db.select({ id: enterprises.id, name: enterprises.name }).from(enterprises).where(inArray(enterprises.id, enterpriseIds))).map((e) => [e.id, e.name]) : [],
    );
    const spNames = new Map((await db.select({ id: serviceProviders.id, name: serviceProviders.name }).from(serviceProviders).where(inArray(serviceProviders.id, [...bySp.keys()]))).map((s) => [s.id, s.name]));
    return [...bySp].map(([spId, list]): FindingDraft => {
      list.sort((a, b) => b.refusals - a.refusals);
      const involved = [...new Set(list.flatMap((row) => row.enterpriseIds ?? []))];
      const refusals = list.reduce((sum, row) => sum + row.refusals, 0);
      return {
        type: "bombing_suspected",
        severity: list.length >= 20 || refusals >= 100 ? "high" : list.length >= 5 ? "medium" : "low",
        subjectType: "sp",
        subjectId: spId,
        subjectLabel: spNames.get(spId) ?? null,
        spId,
        recommendedAction: "rectify",
        evidence: {
          counts: { numbers: list.length, refusals, enterprises: involved.length },
          numbers: list.slice(0, LISTED_NUMBERS).map((row) => ({ recipientMask: row.mask, refusals: row.refusals, enterpriseIds: row.enterpriseIds ?? [] })),
          enterprises: involved.map((id) => ({ id, name: names.get(id) ?? null })),
        },
      };
    });
  },
};
