/** The console's page frame: header, navigation, language switch, sign-out, and the one stylesheet. */
import { createHash } from "node:crypto";
import type { Child } from "hono/jsx";
import type { Actor } from "../context.ts";
import { CSRF_FIELD, type ConsoleContext } from "./auth.ts";
import type { Lang, MessageKey, Translate } from "./i18n.ts";

const CSS = `
:root{--fg:#1d2433;--muted:#5b6472;--line:#d8dde6;--bg:#f6f7f9;--accent:#1f5fbf;--ok:#2e7d32;--bad:#c62828;--warn:#b26a00}
*{box-sizing:border-box}
body{margin:0;font:14px/1.5 system-ui,"PingFang SC","Noto Sans CJK SC","Microsoft YaHei","WenQuanYi Zen Hei",sans-serif;color:var(--fg);background:var(--bg)}
a{color:var(--accent)}
.skip{position:absolute;left:-999px}.skip:focus{left:8px;top:8px;background:#fff;padding:4px 8px;z-index:9}
header{display:flex;flex-wrap:wrap;align-items:center;gap:12px;padding:8px 20px;background:#14213d;color:#fff}
header a{color:#fff}
header .brand{font-weight:600;font-size:16px;margin-right:12px}
header nav ul{display:flex;flex-wrap:wrap;gap:4px 14px;list-style:none;margin:0;padding:0}
header nav a[aria-current=page]{text-decoration:none;border-bottom:2px solid #ffd166}
header .who{margin-left:auto;display:flex;gap:10px;align-items:center}
header .who form{margin:0}
header button{background:transparent;color:#fff;border:1px solid #fff6;border-radius:4px;padding:2px 8px;cursor:pointer}
main{padding:16px 20px;max-width:1400px}
h1{font-size:20px;margin:4px 0 12px}h2{font-size:16px;margin:20px 0 8px}
.notice{padding:8px 12px;border-left:4px solid var(--ok);background:#e8f5e9;margin-bottom:12px}
.error{padding:8px 12px;border-left:4px solid var(--bad);background:#fdecea;margin-bottom:12px}
.muted{color:var(--muted)}
form.filters{display:flex;flex-wrap:wrap;gap:8px 12px;align-items:flex-end;background:#fff;border:1px solid var(--line);padding:10px;border-radius:6px;margin-bottom:10px}
form.filters label{display:flex;flex-direction:column;font-size:12px;color:var(--muted)}
input,select,textarea,button{font:inherit}
input,select,textarea{border:1px solid var(--line);border-radius:4px;padding:3px 6px;color:var(--fg);background:#fff}
button{border:1px solid var(--accent);background:var(--accent);color:#fff;border-radius:4px;padding:3px 10px;cursor:pointer}
button.danger{border-color:var(--bad);background:var(--bad)}
button.secondary{background:#fff;color:var(--accent)}
table{border-collapse:collapse;width:100%;background:#fff;border:1px solid var(--line)}
caption{text-align:left;padding:6px 0;color:var(--muted)}
th,td{border-bottom:1px solid var(--line);padding:5px 8px;text-align:left;vertical-align:top}
th{background:#eef1f5;font-weight:600;white-space:nowrap}
td.num,th.num{text-align:right;font-variant-numeric:tabular-nums}
td.mono,.mono{font-family:ui-monospace,Menlo,Consolas,monospace;font-size:12px;word-break:break-all}
.pager,.exports{display:flex;gap:12px;margin:8px 0}
.badge{display:inline-block;padding:0 6px;border-radius:8px;font-size:12px;background:#eef1f5}
.badge.pending,.badge.open{background:#fff3cd}.badge.approved,.badge.active{background:#e8f5e9}.badge.rejected,.badge.revoked,.badge.high{background:#fdecea}
.grid{display:grid;grid-template-columns:repeat(auto-fit,minmax(560px,1fr));gap:16px}
.card{background:#fff;border:1px solid var(--line);border-radius:6px;padding:10px 12px}
.card h2{margin-top:0}
.stats{display:flex;gap:24px;flex-wrap:wrap}.stats div{font-size:22px;font-weight:600}.stats span{display:block;font-size:12px;color:var(--muted);font-weight:400}
.decide{display:flex;flex-wrap:wrap;gap:6px;align-items:flex-start}
.decide textarea{min-width:220px;min-height:2.2em}
svg.chart{width:100%;height:auto;max-height:260px}
svg.chart text{font-size:12px;fill:var(--muted)}svg.chart text.label{fill:var(--fg)}
.legend{display:flex;gap:14px;font-size:12px}.legend i{display:inline-block;width:10px;height:10px;margin-right:4px}
.legend .accepted{background:#2e7d32}.legend .refused{background:#c62828}
.login{max-width:460px;margin:60px auto;background:#fff;border:1px solid var(--line);border-radius:8px;padding:20px}
.login input{width:100%;margin:6px 0 10px}
.ok{color:var(--ok)}.bad{color:var(--bad)}
`;

/** The stylesheet is allowed by its hash, so the CSP needs no 'unsafe-inline'. */
const CSS_HASH = createHash("sha256").update(CSS).digest("base64");

export const CONTENT_SECURITY_POLICY = [
  "default-src 'none'",
  `style-src 'sha256-${CSS_HASH}'`,
  "img-src 'self' data:",
  "form-action 'self'",
  "frame-ancestors 'none'",
  "base-uri 'none'",
].join("; ");

export interface PageFrame {
  t: Translate;
  lang: Lang;
  path: string;
  actor?: Actor;
  csrfToken?: string;
  /** This page in each language, keeping its filters. */
  langHref: Record<Lang, string>;
}

export function frameOf(c: ConsoleContext): PageFrame {
  const url = new URL(c.req.url);
  const langHref = (lang: Lang) => {
    const query = new URLSearchParams(url.search);
    query.set("lang", lang);
    return `${url.pathname}?${query}`;
  };
  return {
    t: c.get("t"),
    lang: c.get("lang"),
    path: c.req.path,
    actor: c.get("actor"),
    csrfToken: c.get("csrfToken"),
    langHref: { zh: langHref("zh"), en: langHref("en") },
  };
}

/** Items are i18n keys, or a label in both languages (pages whose labels live beside them, see pages/shield.tsx). */
const navigation: { href: string; key: MessageKey | { zh: string; en: string } }[] = [
  { href: "/console/dashboard", key: "nav.dashboard" },
  { href: "/console/refusals", key: "nav.refusals" },
  { href: "/console/signatures", key: "nav.signatures" },
  { href: "/console/sps", key: "nav.sps" },
  { href: "/console/ports", key: "nav.ports" },
  { href: "/console/reviews", key: "nav.reviews" },
  { href: "/console/complaints", key: "nav.complaints" },
  { href: "/console/consents", key: "nav.consents" },
  { href: "/console/rule-modes", key: "nav.ruleModes" },
  { href: "/console/audit", key: "nav.audit" },
  { href: "/console/rule-modes", key: { zh: "规则模式", en: "Rule modes" } },
  { href: "/console/preferences", key: { zh: "用户拒收偏好", en: "Preferences" } },
  { href: "/console/honeypots", key: { zh: "监测号码", en: "Honeypots" } },
];

/** The hidden CSRF field every state-changing form carries. */
export function CsrfField(props: { frame: PageFrame }) {
  return <input type="hidden" name={CSRF_FIELD} value={props.frame.csrfToken ?? ""} />;
}

export function Layout(props: { frame: PageFrame; title: string; children?: Child }) {
  const { frame } = props;
  const { t } = frame;
  return (
    <html lang={frame.lang === "zh" ? "zh-CN" : "en"}>
      <head>
        <meta charset="utf-8" />
        <meta name="viewport" content="width=device-width, initial-scale=1" />
        <link rel="icon" href="data:," />
        <title>{`${props.title} · ${t("app.title")}`}</title>
        {/* A constant stylesheet, no user data: written raw so the CSP hash matches byte for byte. */}
        <style dangerouslySetInnerHTML={{ __html: CSS }} />
      </head>
      <body>
        <a class="skip" href="#main">
          {t("app.skip")}
        </a>
        <header>
          <span class="brand">{t("app.title")}</span>
          {frame.actor ? (
            <nav aria-label={t("nav.main")}>
              <ul>
                {navigation.map((item) => (
                  <li>
                    <a href={item.href} aria-current={frame.path.startsWith(item.href) ? "page" : undefined}>
                      {typeof item.key === "string" ? t(item.key) : item.key[frame.lang]}
                    </a>
                  </li>
                ))}
              </ul>
            </nav>
          ) : null}
          <div class="who">
            <span aria-label={t("nav.language")}>
              <a href={frame.langHref.zh} lang="zh-CN" aria-current={frame.lang === "zh" ? "true" : undefined}>
                中文
              </a>{" "}
              ·{" "}
              <a href={frame.langHref.en} lang="en" aria-current={frame.lang === "en" ? "true" : undefined}>
                English
              </a>
            </span>
            {frame.actor ? (
              <>
                <span>
                  {t("auth.signedInAs")}: <strong>{t(`role.${frame.actor.type}`)}</strong>
                </span>
                <form method="post" action="/console/logout">
                  <CsrfField frame={frame} />
                  <button type="submit">{t("auth.signOut")}</button>
                </form>
              </>
            ) : null}
          </div>
        </header>
        <main id="main">
          <h1>{props.title}</h1>
          {props.children}
        </main>
      </body>
    </html>
  );
}
