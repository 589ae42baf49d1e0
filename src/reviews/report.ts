/**
 * Review reports as data (JSON), CSV and a plain server-rendered HTML page. Pure: the service
 * loads the review and its findings, these functions only shape them.
 */
import type { FindingRow, ReviewRow, ReviewSummary } from "./store.ts";

const SEVERITIES = ["high", "medium", "low", "info"] as const;

export interface ReviewReport {
  review: ReviewRow & { summary?: ReviewSummary };
  generatedAt: string;
  countsByType: Record<string, { total: number; high: number; medium: number; low: number; info: number }>;
  /** Decisions taken, by decision (no_action, rectify, suspend, revoke) plus "undecided" and "reopened". */
  actionsTaken: Record<string, number>;
  findings: FindingRow[];
}

export function buildReport(review: ReviewReport["review"], findings: FindingRow[], generatedAt: Date): ReviewReport {
  const countsByType: ReviewReport["countsByType"] = {};
  const actionsTaken: Record<string, number> = { no_action: 0, rectify: 0, suspend: 0, revoke: 0, undecided: 0, reopened: 0 };
  for (const finding of findings) {
    const counts = (countsByType[finding.type] ??= { total: 0, high: 0, medium: 0, low: 0, info: 0 });
    counts.total++;
    counts[finding.severity]++;
    if (finding.status === "reopened") actionsTaken.reopened!++;
    else if (finding.decision) actionsTaken[finding.decision]!++;
    else actionsTaken.undecided!++;
  }
  return { review, generatedAt: generatedAt.toISOString(), countsByType, actionsTaken, findings };
}

/**
 * One CSV cell. Cells a spreadsheet would run as a formula (starting with = + - @, or a tab or
 * carriage return that some programs strip first) get a leading apostrophe; then RFC 4180 quoting.
 */
export function csvCell(value: unknown): string {
  let text = value === null || value === undefined ? "" : value instanceof Date ? value.toISOString() : String(value);
  if (/^[=+\-@\t\r]/.test(text)) text = `'${text}`;
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

export const REPORT_CSV_COLUMNS = [
  "findingId",
  "type",
  "severity",
  "subjectType",
  "subjectId",
  "subject",
  "spId",
  "recommendedAction",
  "status",
  "decision",
  "decisionReason",
  "dueDate",
  "decidedBy",
  "decidedAt",
  "counts",
] as const;

export function reportCsv(report: ReviewReport): string {
  const lines = [REPORT_CSV_COLUMNS.join(",")];
  for (const f of report.findings) {
    const counts = Object.entries((f.evidence as { counts?: Record<string, number> }).counts ?? {})
      .map(([k, v]) => `${k}=${v}`)
      .join(" ");
    lines.push(
      [f.id, f.type, f.severity, f.subjectType, f.subjectId, f.subjectLabel, f.spId, f.recommendedAction, f.status, f.decision, f.decisionReason, f.dueDate, f.decidedBy, f.decidedAt, counts]
        .map(csvCell)
        .join(","),
    );
  }
  // UTF-8 BOM so spreadsheet programs read the Chinese text correctly.
  return `\uFEFF${lines.join("\r\n")}\r\n`;
}

export function escapeHtml(value: unknown): string {
  const text = value === null || value === undefined ? "" : value instanceof Date ? value.toISOString() : String(value);
  return text.replace(/[&<>"']/g, (ch) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" })[ch]!);
}

/** A plain, self-contained page; the console may restyle it. Every value is escaped. */
export function reportHtml(report: ReviewReport): string {
  const { review } = report;
  const typeRows = Object.entries(report.countsByType)
    .map(([type, c]) => `<tr><td>${escapeHtml(type)}</td><td>${c.total}</td>${SEVERITIES.map((s) => `<td>${c[s]}</td>`).join("")}</tr>`)
    .join("\n");
  const actionRows = Object.entries(report.actionsTaken)
    .map(([action, n]) => `<tr><td>${escapeHtml(action)}</td><td>${n}</td></tr>`)
    .join("\n");
  const findingRows = report.findings
    .map(
      (f) =>
        `<tr class="sev-${escapeHtml(f.severity)}"><td>${escapeHtml(f.type)}</td><td>${escapeHtml(f.severity)}</td><td>${escapeHtml(f.subjectType)}: ${escapeHtml(f.subjectLabel ?? f.subjectId)}</td><td>${escapeHtml(f.recommendedAction)}</td><td>${escapeHtml(f.status)}</td><td>${escapeHtml(f.decision ?? "")}</td><td>${escapeHtml(f.decisionReason ?? "")}</td><td>${escapeHtml(f.dueDate ?? "")}</td></tr>`,
    )
    .join("\n");
  const scope = [review.scopeSpId ? `SP ${review.scopeSpId}` : "", review.scopePortPrefix ? `ports ${review.scopePortPrefix}*` : ""].filter(Boolean).join(", ") || "全部 (all)";
  return `<!doctype html>
<html lang="zh-CN">
<head>
<meta charset="utf-8">
<title>${escapeHtml(review.title)}</title>
<style>
body{font-family:system-ui,"PingFang SC","Microsoft YaHei",sans-serif;margin:2rem;color:#222}
table{border-collapse:collapse;margin:1rem 0}td,th{border:1px solid #ccc;padding:.3rem .6rem;text-align:left}
.sev-high td:nth-child(2){color:#b00020;font-weight:bold}.sev-medium td:nth-child(2){color:#b36b00}
</style>
</head>
<body>
<h1>${escapeHtml(review.title)}</h1>
<p>状态 Status: <strong>${escapeHtml(review.status)}</strong> · 范围 Scope: ${escapeHtml(scope)} · 期间 Period: ${escapeHtml(review.periodFrom ?? "")} – ${escapeHtml(review.periodTo ?? "")} · 生成 Generated: ${escapeHtml(report.generatedAt)}</p>
<h2>按类型统计 Findings by type</h2>
<table><thead><tr><th>Type</th><th>Total</th>${SEVERITIES.map((s) => `<th>${s}</th>`).join("")}</tr></thead>
<tbody>
${typeRows}
</tbody></table>
<h2>处置情况 Actions taken</h2>
<table><thead><tr><th>Action</th><th>Findings</th></tr></thead>
<tbody>
${actionRows}
</tbody></table>
<h2>发现明细 Findings</h2>
<table><thead><tr><th>Type</th><th>Severity</th><th>Subject</th><th>Recommended</th><th>Status</th><th>Decision</th><th>Reason</th><th>Due</th></tr></thead>
<tbody>
${findingRows}
</tbody></table>
</body>
</html>
`;
}
