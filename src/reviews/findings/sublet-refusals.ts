import { inArray, isNotNull, and } from "drizzle-orm";
import { ports } from "../../db/schema/index.ts";
import { REASON_CODES } from "../../policy/reasons.ts";
import type { FindingDetector } from "../types.ts";
import { countInScope, journalEvidenceFor, journalScope, severityByCount } from "./evidence.ts";

const SUBLET_REASONS = REASON_CODES.filter((code) => code.startsWith("sublet_"));

/** Ports with sublet refusals (违规转租: no contract, signature not bound, extension of another enterprise). */
export const subletRefusals: FindingDetector = {
  types: ["port_sublet_refusals"],
  async detect({ db, scope }) {
    const where = journalScope(scope, (d) => and(inArray(d.reason, SUBLET_REASONS), isNotNull(d.portId)));
    const byEnterprise = await countInScope(db, scope, where, ["portId", "enterpriseId"]);
    const groups = new Map<string, { count: number; enterprises: Set<string> }>();
    for (const row of byEnterprise) {
      const group = groups.get(row.portId!) ?? { count: 0, enterprises: new Set<string>() };
      group.count += row.count;
      if (row.enterpriseId) group.enterprises.add(row.enterpriseId);
      groups.set(row.portId!, group);
    }
    if (groups.size === 0) return [];
    const portIds = [...groups.keys()];
    const portRows = await db.select().from(ports).where(inArray(ports.id, portIds));
    const byId = new Map(portRows.map((p) => [p.id, p]));
    const evidence = await journalEvidenceFor(db, scope, where, "portId", portIds);
    return portIds.map((portId) => {
      const group = groups.get(portId)!;
      const port = byId.get(portId);
      const severity = severityByCount(group.count);
      return {
        type: "port_sublet_refusals",
        severity,
        subjectType: "port" as const,
        subjectId: portId,
        subjectLabel: port?.number ?? null,
        spId: port?.spId ?? null,
        evidence: { ...evidence.get(portId)!, counts: { ...evidence.get(portId)!.counts, distinctEnterprises: group.enterprises.size } },
        recommendedAction: severity === "high" ? ("suspend" as const) : ("rectify" as const),
      };
    });
  },
};
