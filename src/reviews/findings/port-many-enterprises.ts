import { inArray, sql } from "drizzle-orm";
import { ports, trafficDaily } from "../../db/schema/index.ts";
import type { FindingDetector } from "../types.ts";
import { trafficInScope } from "./evidence.ts";

/** Ports carrying more distinct enterprises than the setting allows: a port shared out to many senders. */
export const portManyEnterprises: FindingDetector = {
  types: ["port_many_enterprises"],
  async detect({ db, scope, settings }) {
    const distinct = sql<number>`count(distinct ${trafficDaily.enterpriseId})::int`;
    const groups = await db
      .select({ portId: trafficDaily.portId, enterprises: distinct, accepted: sql<number>`sum(${trafficDaily.accepted})::bigint` })
      .from(trafficDaily)
      .where(trafficInScope(scope))
      .groupBy(trafficDaily.portId)
      .having(sql`${distinct} > ${settings.maxEnterprisesPerPort}`);
    if (groups.length === 0) return [];
    const portRows = await db.select().from(ports).where(inArray(ports.id, groups.map((g) => g.portId)));
    const byId = new Map(portRows.map((p) => [p.id, p]));
    return groups.map((group) => {
      const port = byId.get(group.portId);
      const count = Number(group.enterprises);
      return {
        type: "port_many_enterprises",
        severity: count > settings.maxEnterprisesPerPort * 2 ? ("high" as const) : ("medium" as const),
        subjectType: "port" as const,
        subjectId: group.portId,
        subjectLabel: port?.number ?? null,
        spId: port?.spId ?? null,
        evidence: { counts: { distinctEnterprises: count, accepted: Number(group.accepted), threshold: settings.maxEnterprisesPerPort } },
        recommendedAction: "rectify" as const,
      };
    });
  },
};
