/**
 * The carrier-wide shield's pages: rule modes with the monitored would-be refusals per day (so an
 * operator can see what velocity or preferences would refuse before enforcing them), subscriber
 * preferences and honeypot numbers. Operators change; auditors read; SPs are refused (the services
 * decide, as through the API). Labels live here in both languages (the shared dictionary is full).
 */
import { z } from "@hono/zod-openapi";
import { eq } from "drizzle-orm";
import type { ServiceContext } from "../../context.ts";
import { createHoneypot, listHoneypots, removeHoneypot } from "../../honeypots/honeypots.service.ts";
import { countJournal } from "../../journal/counts.ts";
import { normaliseMsisdn } from "../../lib/pii.ts";
import { POLICY_GROUPS, modeOf } from "../../policy/groups.ts";
import { REASON_CODES, reasons } from "../../policy/reasons.ts";
import { putPreferenceBody } from "../../preferences/preferences.schemas.ts";
import { listPreferences, putPreference, removePreference } from "../../preferences/preferences.service.ts";
import { readPolicySettings } from "../../settings/policy-settings.schemas.ts";
import { forbidden } from "../../lib/errors.ts";
import type { ConsoleContext } from "../auth.ts";
import { formatTime } from "../i18n.ts";
import { CsrfField, frameOf } from "../layout.tsx";
import { errorPage, render, serviceContextOf } from "../page.tsx";

const DAYS = 14;
const L = {
  modes: { zh: "规则模式", en: "Rule modes" },
  modesHelp: {
    zh: "监测模式（monitor）下规则不拒绝，只记录“本会拒绝”的短信。下表为最近 14 天每天的监测记录数，供决定何时改为执行（PUT /api/v1/settings/policy）。",
    en: "In monitor mode a rule refuses nothing and journals what it would have refused. Below: those would-be refusals per day over the last 14 days, to decide when to enforce (PUT /api/v1/settings/policy).",
  },
  group: { zh: "规则组", en: "Group" },
  mode: { zh: "当前模式", en: "Mode" },
  byDefault: { zh: "默认", en: "Default" },
  day: { zh: "日期", en: "Day" },
  preferences: { zh: "用户拒收偏好", en: "Subscriber preferences" },
  honeypots: { zh: "监测号码（蜜罐）", en: "Honeypot numbers" },
  number: { zh: "号码", en: "Number" },
  categories: { zh: "拒收类别", en: "Blocks" },
  band: { zh: "时段（北京时间）", en: "Band (China time)" },
  source: { zh: "来源", en: "Source" },
  reason: { zh: "原因", en: "Reason" },
  note: { zh: "备注", en: "Note" },
  updated: { zh: "更新时间", en: "Updated" },
  save: { zh: "保存", en: "Save" },
  remove: { zh: "删除", en: "Remove" },
  add: { zh: "登记", en: "Register" },
  allDay: { zh: "全天", en: "all day" },
  marketing: { zh: "营销", en: "marketing" },
  notification: { zh: "营销及通知", en: "marketing and notifications" },
  never: { zh: "验证码永远不受偏好限制。短信关键字：退订营销/TDYX、退订通知/TDTZ、恢复接收/HFJS。", en: "Verification codes are never blocked by a preference. MO keywords: 退订营销/TDYX, 退订通知/TDTZ, 恢复接收/HFJS." },
  trapHelp: { zh: "号码以加密哈希与掩码存储，服务商不可见。", en: "Stored as keyed hash and mask; never shown to a service provider." },
} as const;
type Label = keyof typeof L;

function labels(c: ConsoleContext) {
  const lang = frameOf(c).lang;
  return (key: Label) => L[key][lang];
}

function readersOnly(ctx: ServiceContext): void {
  if (ctx.actor.type === "sp") throw forbidden("this page is the operator's");
}

/** GET /console/rule-modes: every group's mode, and monitored would-be refusals per day by group. */
export async function ruleModesPage(c: ConsoleContext) {
  const ctx = serviceContextOf(c);
  readersOnly(ctx);
  const l = labels(c);
  const settings = await readPolicySettings(ctx.db);
  const from = new Date(ctx.now.getTime() - DAYS * 86_400_000);
  const rows = await countJournal(ctx.db, { from, to: ctx.now, where: (d) => eq(d.monitor, true), groupBy: ["day", "reason"] });
  const groupOf = new Map(REASON_CODES.map((code) => [code as string, reasons[code].rule as string]));
  const perDay = new Map<string, Map<string, number>>();
  for (const row of rows) {
    const group = groupOf.get(row.reason ?? "") ?? row.reason ?? "";
    let day = perDay.get(row.day!);
    if (!day) perDay.set(row.day!, (day = new Map()));
    day.set(group, (day.get(group) ?? 0) + row.count);
  }
  const groups = POLICY_GROUPS.map((g) => g.group);
  const days = [...perDay.keys()].sort().reverse();
  return render(
    c,
    l("modes"),
    <>
      <p class="muted">{l("modesHelp")}</p>
      <table data-testid="rule-modes">
        <thead>
          <tr><th>{l("group")}</th><th>{l("mode")}</th><th>{l("byDefault")}</th></tr>
        </thead>
        <tbody>
          {POLICY_GROUPS.map((g) => (
            <tr data-group={g.group}><td>{g.group}</td><td>{modeOf(settings, g.group)}</td><td>{g.defaultMode}</td></tr>
          ))}
        </tbody>
      </table>
      <table data-testid="monitored-per-day">
        <thead>
          <tr><th>{l("day")}</th>{groups.map((g) => <th>{g}</th>)}</tr>
        </thead>
        <tbody>
          {days.map((day) => (
            <tr data-day={day}><td>{day}</td>{groups.map((g) => <td data-group={g} class="num">{perDay.get(day)?.get(g) ?? 0}</td>)}</tr>
          ))}
        </tbody>
      </table>
    </>,
  );
}

/** GET /console/preferences: the list (masks) and the operator's form. */
export async function preferencesPage(c: ConsoleContext) {
  const ctx = serviceContextOf(c);
  const l = labels(c);
  const msisdn = normaliseMsisdn(c.req.query("msisdn") ?? "");
  const rows = await listPreferences(ctx, { msisdn }, { limit: 200 });
  const operator = ctx.actor.type === "operator";
  return render(
    c,
    l("preferences"),
    <>
      <p class="muted">{l("never")}</p>
      {operator ? (
        <form method="post" action="/console/preferences" data-testid="preference-form">
          <CsrfField frame={frameOf(c)} />
          <label>{l("number")} <input name="msisdn" required maxlength={20} /></label>{" "}
          <label>{l("categories")} <select name="categories"><option value="marketing">{l("marketing")}</option><option value="marketing,notification">{l("notification")}</option></select></label>{" "}
          <label>{l("band")} <input name="bandStart" placeholder="22:00" size={5} /> – <input name="bandEnd" placeholder="08:00" size={5} /></label>{" "}
          <label>{l("reason")} <input name="reason" required maxlength={500} /></label>{" "}
          <button type="submit">{l("save")}</button>
        </form>
      ) : null}
      <table data-testid="preferences">
        <thead>
          <tr><th>{l("number")}</th><th>{l("categories")}</th><th>{l("band")}</th><th>{l("source")}</th><th>{l("reason")}</th><th>{l("updated")}</th>{operator ? <th /> : null}</tr>
        </thead>
        <tbody>
          {rows.map((row) => (
            <tr>
              <td>{row.recipientMask}</td>
              <td>{row.categories.join(", ")}</td>
              <td>{row.bandStart ? `${row.bandStart}–${row.bandEnd}` : l("allDay")}</td>
              <td>{row.source}</td>
              <td>{row.reason ?? ""}</td>
              <td>{formatTime(row.updatedAt)}</td>
              {operator ? <td><RemoveForm c={c} action={`/console/preferences/${row.id}/delete`} label={l("remove")} reasonLabel={l("reason")} /></td> : null}
            </tr>
          ))}
        </tbody>
      </table>
    </>,
  );
}

function RemoveForm(props: { c: ConsoleContext; action: string; label: string; reasonLabel: string }) {
  return (
    <form method="post" action={props.action}>
      <CsrfField frame={frameOf(props.c)} />
      <input name="reason" required maxlength={500} aria-label={props.reasonLabel} placeholder={props.reasonLabel} />{" "}
      <button type="submit" class="danger">{props.label}</button>
    </form>
  );
}

export async function savePreference(c: ConsoleContext) {
  const form = await c.req.parseBody();
  const band = form.bandStart || form.bandEnd ? { start: String(form.bandStart ?? ""), end: String(form.bandEnd ?? "") } : null;
  const body = putPreferenceBody.safeParse({ msisdn: form.msisdn, categories: String(form.categories ?? "").split(","), band, reason: form.reason });
  if (!body.success) return errorPage(c, 422, "invalid", body.error.issues.map((issue) => `${issue.path.join(".")}: ${issue.message}`));
  await putPreference(serviceContextOf(c), body.data);
  return c.redirect("/console/preferences", 303);
}

const removal = z.object({ reason: z.string().trim().min(1).max(500) });

export async function deletePreference(c: ConsoleContext) {
  const body = removal.safeParse(await c.req.parseBody());
  if (!body.success) return errorPage(c, 422, "invalid", ["reason"]);
  await removePreference(serviceContextOf(c), { id: z.uuid().parse(c.req.param("id")) }, body.data.reason);
  return c.redirect("/console/preferences", 303);
}

/** GET /console/honeypots: masks only, for operators and auditors; operators register and remove. */
export async function honeypotsPage(c: ConsoleContext) {
  const ctx = serviceContextOf(c);
  const l = labels(c);
  const rows = await listHoneypots(ctx, { limit: 500 });
  const operator = ctx.actor.type === "operator";
  return render(
    c,
    l("honeypots"),
    <>
      <p class="muted">{l("trapHelp")}</p>
      {operator ? (
        <form method="post" action="/console/honeypots" data-testid="honeypot-form">
          <CsrfField frame={frameOf(c)} />
          <label>{l("number")} <input name="msisdn" required maxlength={20} /></label>{" "}
          <label>{l("note")} <input name="note" maxlength={500} /></label>{" "}
          <button type="submit">{l("add")}</button>
        </form>
      ) : null}
      <table data-testid="honeypots">
        <thead>
          <tr><th>{l("number")}</th><th>{l("note")}</th><th>{l("updated")}</th>{operator ? <th /> : null}</tr>
        </thead>
        <tbody>
          {rows.map((row) => (
            <tr>
              <td>{row.recipientMask}</td>
              <td>{row.note ?? ""}</td>
              <td>{formatTime(row.createdAt)}</td>
              {operator ? <td><RemoveForm c={c} action={`/console/honeypots/${row.id}/delete`} label={l("remove")} reasonLabel={l("reason")} /></td> : null}
            </tr>
          ))}
        </tbody>
      </table>
    </>,
  );
}

export async function saveHoneypot(c: ConsoleContext) {
  const form = await c.req.parseBody();
  const msisdn = normaliseMsisdn(String(form.msisdn ?? ""));
  if (!msisdn) return errorPage(c, 422, "invalid", ["msisdn"]);
  const note = String(form.note ?? "").trim();
  await createHoneypot(serviceContextOf(c), { msisdn, ...(note && { note: note.slice(0, 500) }) });
  return c.redirect("/console/honeypots", 303);
}

export async function deleteHoneypot(c: ConsoleContext) {
  const body = removal.safeParse(await c.req.parseBody());
  if (!body.success) return errorPage(c, 422, "invalid", ["reason"]);
  await removeHoneypot(serviceContextOf(c), z.uuid().parse(c.req.param("id")), body.data.reason);
  return c.redirect("/console/honeypots", 303);
}
