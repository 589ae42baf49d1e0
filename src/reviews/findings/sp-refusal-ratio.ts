import { inArray, sql } from "drizzle-orm";
import { serviceProviders, trafficDaily } from "../../db/schema/index.ts";
import type { FindingDetector } from "../types.ts";
import { trafficInScope } from "./evidence.ts";

/** SPs whose refused share of traffic reaches the setting: they keep trying what the rules forbid. */
export const spRefusalRatio: FindingDetector = {
  types: ["sp_high_refusal_ratio"],
  async detect({ db, scope, settings }) {
    const groups = await db
      .select({ spId: trafficDaily.spId, accepted: sql<number>`sum(${trafficDaily.accepted})::bigint`, refused: sql<number>`sum(${trafficDaily.refused})::bigint` })
      .from(trafficDaily)
      .where(trafficInScope(scope))
      .groupBy(trafficDaily.spId);
    const flagged = groups
      .map((g) => ({ spId: g.spId, accepted: Number(g.accepted), refused: Number(g.refused) }))
      .filter((g) => g.accepted + g.refused >= settings.refusalMinMessages && g.refused / (g.accepted + g.refused) >= settings.refusalRatio);
    if (flagged.length === 0) return [];
    const names = new Map(
      (await db.select({ id: serviceProviders.id, name: serviceProviders.name }).from(serviceProviders).where(inArray(serviceProviders.id, flagged.map((f) => f.spId)))).map((s) => [s.id, s.name]),
    );
    return flagged.map((g) => {
      const ratio = g.refused / (g.accepted + g.refused);
      return {
        type: "sp_high_refusal_ratio",
        severity: ratio >= Math.min(1, settings.refusalRatio * 2) ? ("high" as const) : ("medium" as const),
        subjectType: "sp" as const,
        subjectId: g.spId,
        subjectLabel: names.get(g.spId) ?? null,
        spId: g.spId,
        evidence: { counts: { accepted: g.accepted, refused: g.refused }, refusalRatio: Math.round(ratio * 1000) / 1000, threshold: settings.refusalRatio },
        recommendedAction: "rectify" as const,
      };
    });
  },
};
