/**
 * What a message may say, for operators (auditors read): the approval queues for link domains and
 * templates, the content rules with their last-day monitored and refused counts, a form to add a
 * rule (it ships in monitor) or switch a rule's mode, and a dry run of a draft against the last
 * day's journal ("would have matched N messages from these SPs"). SPs get the 403 page: content
 * rules are never shown to them. Words are kept here (zh/en) rather than in the shared i18n table.
 */
import { z } from "@hono/zod-openapi";
import { decideAllowlist, listLinkDomains, type LinkDomain } from "../../allowlists/allowlists.service.ts";
import { contentRuleCounts, createContentRule, dryRunContentRule, listContentRules, updateContentRule } from "../../content-rules/content-rules.service.ts";
import { contentCategories } from "../../content-rules/content-rules.schemas.ts";
import { decideTemplate, listTemplates, type SignatureTemplate } from "../../templates/templates.service.ts";
import { ServiceError } from "../../lib/errors.ts";
import type { ConsoleContext } from "../auth.ts";
import { uuidParam } from "../filters.ts";
import { CsrfField, frameOf, type PageFrame } from "../layout.tsx";
import { errorPage, render, serviceContextOf } from "../page.tsx";

const WORDS = {
  zh: {
    title: "内容管控", domains: "链接域名待审", templates: "模板待审", rules: "内容规则", add: "新增规则（监控模式）", dryRun: "试运行（最近一天的拦截记录）",
    approve: "通过", revoke: "撤销", reason: "理由（必填）", none: "无", monitored: "监控命中", refused: "拦截", mode: "模式", setMode: "切换",
    phrases: "关键词（每行一个）", pattern: "正则（可选）", name: "名称", category: "类别", appliesTo: "适用类型", run: "试运行", save: "保存",
    result: "该规则会命中 {n} 条记录（共扫描 {scanned} 条）", bySp: "按短信息服务企业", caveat: "仅能看到被拦截或监控的短信（已放行的短信不留正文），数字已脱敏。", readOnly: "审计员只读。",
  },
  en: {
    title: "Content control", domains: "Link domains awaiting approval", templates: "Templates awaiting approval", rules: "Content rules", add: "Add a rule (ships in monitor)", dryRun: "Dry run (last day's journal)",
    approve: "Approve", revoke: "Revoke", reason: "Reason (required)", none: "None", monitored: "Monitored hits", refused: "Refused", mode: "Mode", setMode: "Switch",
    phrases: "Phrases (one per line)", pattern: "Pattern (optional)", name: "Name", category: "Category", appliesTo: "Applies to", run: "Run", save: "Save",
    result: "This rule would have matched {n} journal rows (of {scanned} scanned)", bySp: "By SP", caveat: "Only refused and monitored messages keep text (accepted ones do not); digits are masked.", readOnly: "Auditors read only.",
  },
} as const;
type Words = Record<keyof (typeof WORDS)["zh"], string>;
const wordsOf = (c: ConsoleContext): Words => WORDS[c.get("lang") === "en" ? "en" : "zh"];
const canWrite = (c: ConsoleContext) => ["operator", "system"].includes(c.get("actor").type);

function Decide(props: { frame: PageFrame; w: Words; action: string; label: string; danger?: boolean }) {
  return (
    <form method="post" action={props.action} class="decide">
      <CsrfField frame={props.frame} />
      <input type="text" name="reason" required maxlength={500} aria-label={`${props.label}: ${props.w.reason}`} placeholder={props.w.reason} />
      <button type="submit" class={props.danger ? "danger" : undefined}>
        {props.label}
      </button>
    </form>
  );
}

function Queue<T extends { id: string }>(props: { frame: PageFrame; w: Words; rows: T[]; cells: (row: T) => string[]; base: string; write: boolean }) {
  const { w } = props;
  if (props.rows.length === 0) return <p class="muted">{w.none}</p>;
  return (
    <table>
      <tbody>
        {props.rows.map((row) => (
          <tr data-testid={`queue-${row.id}`}>
            {props.cells(row).map((cell) => (
              <td>{cell}</td>
            ))}
            {props.write ? (
              <td>
                <Decide frame={props.frame} w={w} action={`${props.base}/${row.id}/approve`} label={w.approve} />
                <Decide frame={props.frame} w={w} action={`${props.base}/${row.id}/revoke`} label={w.revoke} danger />
              </td>
            ) : null}
          </tr>
        ))}
      </tbody>
    </table>
  );
}

/** GET /console/content (and the dry run's answer, rendered under the same page). */
export async function contentPage(c: ConsoleContext, dryRun?: Awaited<ReturnType<typeof dryRunContentRule>>) {
  const ctx = serviceContextOf(c);
  const frame = frameOf(c);
  const w = wordsOf(c);
  if (ctx.actor.type === "sp") return errorPage(c, 403, frame.t("error.forbidden"));
  const write = canWrite(c);
  const domains = (await listLinkDomains(ctx, { status: "pending" }, { limit: 100 })) as LinkDomain[];
  const templates = (await listTemplates(ctx, { status: "pending" }, { limit: 100 })) as SignatureTemplate[];
  const rules = await listContentRules(ctx);
  const counts = new Map((await contentRuleCounts(ctx)).map((r) => [r.ruleId, r]));
  return render(
    c,
    w.title,
    <>
      {write ? null : <p class="muted">{w.readOnly}</p>}
      <h2>{w.domains}</h2>
      <Queue frame={frame} w={w} rows={domains.slice(0, 100)} base="/console/content/link-domains" write={write} cells={(d) => [d.domain, d.icpNumber, d.enterpriseId]} />
      <h2>{w.templates}</h2>
      <Queue frame={frame} w={w} rows={templates.slice(0, 100)} base="/console/content/templates" write={write} cells={(t) => [t.text, t.signatureId]} />
      <h2>{w.rules}</h2>
      <table>
        <thead>
          <tr>
            <th>{w.name}</th><th>{w.category}</th><th>{w.phrases}</th><th>{w.appliesTo}</th><th>{w.mode}</th><th>{w.monitored}</th><th>{w.refused}</th>
          </tr>
        </thead>
        <tbody>
          {rules.map((r) => (
            <tr data-testid={`rule-${r.id}`}>
              <td>{r.name}</td>
              <td>{r.category}</td>
              <td>{[...r.phrases.slice(0, 10), r.phrases.length > 10 ? `… (${r.phrases.length})` : ""].join(" ")}{r.pattern ? ` /${r.pattern}/` : ""}</td>
              <td>{r.appliesTo.join(" ")}</td>
              <td>
                {r.mode}
                {write ? (
                  <form method="post" action={`/console/content/rules/${r.id}/mode`} class="decide">
                    <CsrfField frame={frame} />
                    <select name="mode" aria-label={w.mode}>
                      {["monitor", "enforce", "off"].map((m) => <option value={m} selected={m === r.mode}>{m}</option>)}
                    </select>
                    <input type="text" name="reason" required maxlength={500} aria-label={w.reason} placeholder={w.reason} />
                    <button type="submit">{w.setMode}</button>
                  </form>
                ) : null}
              </td>
              <td>{counts.get(r.id)?.monitored ?? 0}</td>
              <td>{counts.get(r.id)?.refused ?? 0}</td>
            </tr>
          ))}
        </tbody>
      </table>
      <h2>{w.dryRun}</h2>
      <p class="muted">{w.caveat}</p>
      {dryRun ? (
        <div role="status" data-testid="dry-run-result">
          <p>{w.result.replace("{n}", String(dryRun.matched)).replace("{scanned}", String(dryRun.scanned))}</p>
          <p>{w.bySp}: {dryRun.bySp.map((s) => `${s.spId ?? "?"} × ${s.count}`).join("，") || w.none}</p>
        </div>
      ) : null}
      <RuleForm frame={frame} w={w} action="/console/content/dry-run" submit={w.run} draft />
      {write ? (
        <>
          <h2>{w.add}</h2>
          <RuleForm frame={frame} w={w} action="/console/content/rules" submit={w.save} />
        </>
      ) : null}
    </>,
  );
}

function RuleForm(props: { frame: PageFrame; w: Words; action: string; submit: string; draft?: boolean }) {
  const { w } = props;
  return (
    <form method="post" action={props.action}>
      <CsrfField frame={props.frame} />
      {props.draft ? null : (
        <>
          <label>{w.name} <input type="text" name="name" required maxlength={100} /></label>
          <label>{w.category} <select name="category">{contentCategories.map((k) => <option value={k}>{k}</option>)}</select></label>
        </>
      )}
      <label>{w.phrases}<br /><textarea name="phrases" rows={4} cols={40} /></label>
      <label>{w.pattern} <input type="text" name="pattern" maxlength={500} /></label>
      <label>{w.appliesTo} <select name="appliesTo"><option value="marketing">marketing</option><option value="notification,marketing">notification + marketing</option><option value="verification,notification,marketing">all</option></select></label>
      {props.draft ? null : <label>{w.reason} <input type="text" name="reason" required maxlength={500} /></label>}
      <button type="submit">{props.submit}</button>
    </form>
  );
}

const ruleForm = z.object({
  name: z.string().optional(),
  category: z.enum(contentCategories).optional(),
  phrases: z.string().max(200_000).default(""),
  pattern: z.string().max(500).optional(),
  appliesTo: z.string().default("marketing"),
  reason: z.string().trim().max(500).optional(),
});

function parseRule(form: Record<string, unknown>) {
  const body = ruleForm.safeParse(form);
  if (!body.success) throw new ServiceError("VALIDATION_FAILED", "the form is not valid");
  const phrases = body.data.phrases.split(/\r?\n/).map((p) => p.trim()).filter(Boolean);
  const appliesTo = body.data.appliesTo.split(",").filter((a): a is "verification" | "notification" | "marketing" => ["verification", "notification", "marketing"].includes(a));
  return { ...body.data, phrases, appliesTo, pattern: body.data.pattern?.trim() || undefined };
}

/** POST /console/content/dry-run: the draft's result under the page. */
export async function contentDryRun(c: ConsoleContext) {
  if (c.get("actor").type === "sp") return errorPage(c, 403, c.get("t")("error.forbidden"));
  const draft = parseRule(await c.req.parseBody());
  if (draft.phrases.length === 0 && !draft.pattern) return errorPage(c, 422, c.get("t")("error.invalid"));
  const result = await dryRunContentRule(serviceContextOf(c), { phrases: draft.phrases, pattern: draft.pattern, appliesTo: draft.appliesTo.length ? draft.appliesTo : ["marketing"] });
  return contentPage(c, result);
}

/** POST /console/content/rules: a new rule, in monitor. */
export async function contentCreateRule(c: ConsoleContext) {
  if (!canWrite(c)) return errorPage(c, 403, c.get("t")("error.forbidden"));
  const draft = parseRule(await c.req.parseBody());
  if (!draft.name || !draft.category || !draft.reason || (draft.phrases.length === 0 && !draft.pattern)) return errorPage(c, 422, c.get("t")("error.invalid"));
  await createContentRule(serviceContextOf(c), { name: draft.name, category: draft.category, phrases: draft.phrases, pattern: draft.pattern, appliesTo: draft.appliesTo, mode: "monitor", reason: draft.reason });
  return c.redirect("/console/content", 303);
}

const modeForm = z.object({ mode: z.enum(["enforce", "monitor", "off"]), reason: z.string().trim().min(1).max(500) });

/** POST /console/content/rules/:id/mode. */
export async function contentRuleMode(c: ConsoleContext) {
  if (!canWrite(c)) return errorPage(c, 403, c.get("t")("error.forbidden"));
  const body = modeForm.safeParse(await c.req.parseBody());
  if (!body.success) return errorPage(c, 422, c.get("t")("error.invalid"));
  await updateContentRule(serviceContextOf(c), uuidParam(c, "content rule"), body.data);
  return c.redirect("/console/content", 303);
}

const reasonForm = z.object({ reason: z.string().trim().min(1).max(500) });

/** POST /console/content/(link-domains|templates)/:id/(approve|revoke). */
export async function contentDecide(c: ConsoleContext, kind: "link-domains" | "templates", action: "approve" | "revoke") {
  if (!canWrite(c)) return errorPage(c, 403, c.get("t")("error.forbidden"));
  const body = reasonForm.safeParse(await c.req.parseBody());
  if (!body.success) return errorPage(c, 422, c.get("t")("error.invalid"));
  const ctx = serviceContextOf(c);
  if (kind === "link-domains") await decideAllowlist(ctx, "link_domain", uuidParam(c, "link domain"), action, body.data.reason);
  else await decideTemplate(ctx, uuidParam(c, "template"), action, body.data.reason);
  return c.redirect("/console/content", 303);
}
