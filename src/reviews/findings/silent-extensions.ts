import { and, eq, gte, inArray, lt, lte, sql } from "drizzle-orm";
import { portExtensions, ports, rejections, trafficDaily } from "../../db/schema/index.ts";
import type { FindingDetector } from "../types.ts";
import { portInScope, scopeDays } from "./evidence.ts";

/**
 * Extensions assigned before the period that carried nothing in it. traffic_daily has no extension
 * column, so "silent" means: no accepted traffic on the port for the extension's enterprise, and no
 * journal row from port + extension. An extension shared with the bare port's traffic for the same
 * enterprise is therefore not flagged (a false negative we accept).
 */
export const silentExtensions: FindingDetector = {
  types: ["silent_extension"],
  async detect({ db, scope }) {
    const rows = await db
      .select({ id: portExtensions.id, portId: portExtensions.portId, extension: portExtensions.extension, enterpriseId: portExtensions.enterpriseId, number: ports.number, spId: ports.spId })
      .from(portExtensions)
      .innerJoin(ports, eq(ports.id, portExtensions.portId))
      .where(
        and(
          lt(portExtensions.createdAt, scope.from),
          scope.spId ? eq(ports.spId, scope.spId) : undefined,
          portInScope(portExtensions.portId, scope),
          sql`not exists (select 1 from ${trafficDaily} where ${trafficDaily.portId} = ${portExtensions.portId} and ${trafficDaily.enterpriseId} = ${portExtensions.enterpriseId}
                and ${trafficDaily.accepted} > 0 and ${gte(trafficDaily.day, scopeDays(scope).first)} and ${lte(trafficDaily.day, scopeDays(scope).last)})`,
        ),
      );
    if (rows.length === 0) return [];
    // Refusals from port + extension: one pass over the candidate ports' journal rows (port index).
    const used = new Set(
      (
        await db
          .selectDistinct({ sourceAddr: rejections.sourceAddr })
          .from(rejections)
          .where(
            and(
              inArray(rejections.portId, [...new Set(rows.map((r) => r.portId))]),
              inArray(rejections.sourceAddr, rows.map((r) => `${r.number}${r.extension}`)),
              gte(rejections.at, scope.from),
              lt(rejections.at, scope.to),
            ),
          )
      ).map((r) => r.sourceAddr),
    );
    return rows.filter((row) => !used.has(`${row.number}${row.extension}`)).map((row) => ({
      type: "silent_extension",
      severity: "info" as const,
      subjectType: "extension" as const,
      subjectId: row.id,
      subjectLabel: `${row.number}${row.extension}`,
      spId: row.spId,
      evidence: { counts: { accepted: 0, journaled: 0 }, portId: row.portId, extension: row.extension, enterpriseId: row.enterpriseId },
      recommendedAction: "revoke" as const,
    }));
  },
};
