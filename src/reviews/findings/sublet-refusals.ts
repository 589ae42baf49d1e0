import { and, eq, inArray, isNotNull, sql } from "drizzle-orm";
import { ports, rejections } from "../../db/schema/index.ts";
import { REASON_CODES } from "../../policy/reasons.ts";
import type { FindingDetector } from "../types.ts";
import { journalEvidence, journalInScope, reasonIn, severityByCount } from "./evidence.ts";

const SUBLET_REASONS = REASON_CODES.filter((code) => code.startsWith("sublet_"));

/** Ports with sublet refusals (违规转租: no contract, signature not bound, extension of another enterprise). */
export const subletRefusals: FindingDetector = {
  types: ["port_sublet_refusals"],
  async detect({ db, scope }) {
    const where = journalInScope(scope, reasonIn(SUBLET_REASONS), isNotNull(rejections.portId));
    const groups = await db
      .select({ portId: rejections.portId, n: sql<number>`count(*)::int`, enterprises: sql<number>`count(distinct ${rejections.enterpriseId})::int` })
      .from(rejections)
      .where(where)
      .groupBy(rejections.portId);
    if (groups.length === 0) return [];
    const portRows = await db.select().from(ports).where(inArray(ports.id, groups.map((g) => g.portId!)));
    const byId = new Map(portRows.map((p) => [p.id, p]));
    return Promise.all(
      groups.map(async (group) => {
        const port = byId.get(group.portId!);
        const count = Number(group.n);
        const severity = severityByCount(count);
        const evidence = await journalEvidence(db, and(where, eq(rejections.portId, group.portId!))!);
        evidence.counts.distinctEnterprises = Number(group.enterprises);
        return {
          type: "port_sublet_refusals",
          severity,
          subjectType: "port" as const,
          subjectId: group.portId!,
          subjectLabel: port?.number ?? null,
          spId: port?.spId ?? null,
          evidence,
          recommendedAction: severity === "high" ? ("suspend" as const) : ("rectify" as const),
        };
      }),
    );
  },
};
