import { and, inArray, isNotNull } from "drizzle-orm";
import { ports } from "../../db/schema/index.ts";
import type { FindingDetector } from "../types.ts";
import { countInScope, journalEvidenceFor, journalScope, severityByCount } from "./evidence.ts";

/** Ports (or their extensions) used for categories they are not registered to carry, refused or monitored. */
export const portPurposeViolations: FindingDetector = {
  types: ["port_purpose_violations"],
  async detect({ db, scope }) {
    const where = journalScope(scope, (d) => and(inArray(d.reason, ["port_category_not_allowed"]), isNotNull(d.portId)));
    const counts = new Map<string, number>();
    for (const row of await countInScope(db, scope, where, ["portId"])) counts.set(row.portId!, (counts.get(row.portId!) ?? 0) + row.count);
    if (counts.size === 0) return [];
    const portIds = [...counts.keys()];
    const byId = new Map((await db.select().from(ports).where(inArray(ports.id, portIds))).map((p) => [p.id, p]));
    const evidence = await journalEvidenceFor(db, scope, where, "portId", portIds);
    return portIds.map((portId) => {
      const count = counts.get(portId)!;
      const port = byId.get(portId);
      return {
        type: "port_purpose_violations",
        severity: severityByCount(count),
        subjectType: "port" as const,
        subjectId: portId,
        subjectLabel: port?.number ?? null,
        spId: port?.spId ?? null,
        evidence: { ...evidence.get(portId)!, declared: port?.categories ?? null },
        recommendedAction: "rectify" as const,
      };
    });
  },
};
