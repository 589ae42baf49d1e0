/** Form fields for the filter bars and the decision forms: every control has a visible label. */
import type { Child } from "hono/jsx";
import type { PageFrame } from "./layout.tsx";

export function FilterForm(props: { frame: PageFrame; action: string; children?: Child }) {
  const { t } = props.frame;
  return (
    <form class="filters" method="get" action={props.action} role="search">
      {props.children}
      <button type="submit">{t("filter.apply")}</button>
      <a href={props.action}>{t("filter.reset")}</a>
    </form>
  );
}

export function SelectField(props: { frame: PageFrame; name: string; label: string; value: string | undefined; options: [string, string][]; any?: boolean }) {
  return (
    <label>
      {props.label}
      <select name={props.name}>
        {props.any === false ? null : <option value="">{props.frame.t("filter.any")}</option>}
        {props.options.map(([value, label]) => (
          <option value={value} selected={value === props.value}>
            {label}
          </option>
        ))}
      </select>
    </label>
  );
}

export function DateField(props: { name: string; label: string; value: string | undefined }) {
  return (
    <label>
      {props.label}
      <input type="date" name={props.name} value={props.value ?? ""} />
    </label>
  );
}

export function TextField(props: { name: string; label: string; value: string | undefined; size?: number }) {
  return (
    <label>
      {props.label}
      <input type="text" name={props.name} value={props.value ?? ""} size={props.size ?? 16} />
    </label>
  );
}

export function DateRangeFields(props: { frame: PageFrame; from: string | undefined; to: string | undefined }) {
  const { t } = props.frame;
  return (
    <>
      <DateField name="from" label={t("filter.from")} value={props.from} />
      <DateField name="to" label={t("filter.to")} value={props.to} />
    </>
  );
}
