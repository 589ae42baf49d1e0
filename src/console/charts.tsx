/**
 * Charts as inline SVG rendered on the server: no script, no chart library. Each chart carries a
 * <title>/<desc> for screen readers and a <title> per bar (the browser shows it as a tooltip).
 */
export interface BarSeries {
  name: string;
  color: string;
  values: number[];
}

const WIDTH = 720;
const HEIGHT = 220;
const LEFT = 48;
const RIGHT = 8;
const TOP = 10;
const BOTTOM = 30;

/** 0, a round step, … up to at least max. */
function niceMax(max: number): number {
  if (max <= 0) return 1;
  const magnitude = 10 ** Math.floor(Math.log10(max));
  for (const step of [1, 2, 2.5, 5, 10]) if (step * magnitude >= max) return step * magnitude;
  return 10 * magnitude;
}

/** Stacked bars, one per label (a day), series stacked bottom-up in the order given. */
export function StackedBarChart(props: { id: string; title: string; labels: string[]; series: BarSeries[] }) {
  const { labels, series } = props;
  const totals = labels.map((_, i) => series.reduce((sum, s) => sum + (s.values[i] ?? 0), 0));
  const top = niceMax(Math.max(0, ...totals));
  const plotWidth = WIDTH - LEFT - RIGHT;
  const plotHeight = HEIGHT - TOP - BOTTOM;
  const slot = labels.length > 0 ? plotWidth / labels.length : plotWidth;
  const barWidth = Math.max(1, Math.min(28, slot * 0.7));
  const y = (value: number) => TOP + plotHeight - (value / top) * plotHeight;
  const labelEvery = Math.max(1, Math.ceil(labels.length / 12));
  const description = labels.map((label, i) => `${label}: ${series.map((s) => `${s.name} ${s.values[i] ?? 0}`).join(", ")}`).join("; ");
  return (
    <figure>
      <svg class="chart" viewBox={`0 0 ${WIDTH} ${HEIGHT}`} role="img" aria-labelledby={`${props.id}-title ${props.id}-desc`} xmlns="http://www.w3.org/2000/svg">
        <title id={`${props.id}-title`}>{props.title}</title>
        <desc id={`${props.id}-desc`}>{description}</desc>
        {[0, 0.5, 1].map((fraction) => (
          <g>
            <line x1={LEFT} x2={WIDTH - RIGHT} y1={y(top * fraction)} y2={y(top * fraction)} stroke="#d8dde6" stroke-width="1" />
            <text x={LEFT - 6} y={y(top * fraction) + 4} text-anchor="end">
              {formatCount(top * fraction)}
            </text>
          </g>
        ))}
        {labels.map((label, i) => {
          const x = LEFT + slot * i + (slot - barWidth) / 2;
          let base = 0;
          return (
            <g>
              {series.map((s) => {
                const value = s.values[i] ?? 0;
                const from = base;
                base += value;
                if (value === 0) return null;
                return (
                  <rect x={x.toFixed(1)} y={y(base).toFixed(1)} width={barWidth.toFixed(1)} height={(y(from) - y(base)).toFixed(1)} fill={s.color}>
                    <title>{`${label} ${s.name}: ${value}`}</title>
                  </rect>
                );
              })}
              {i % labelEvery === 0 ? (
                <text x={(LEFT + slot * i + slot / 2).toFixed(1)} y={HEIGHT - 10} text-anchor="middle">
                  {label.slice(5)}
                </text>
              ) : null}
            </g>
          );
        })}
      </svg>
      {series.length > 1 ? (
        <figcaption class="legend">
          {series.map((s) => (
            <span>
              <svg width="10" height="10" aria-hidden="true">
                <rect width="10" height="10" fill={s.color} />
              </svg>{" "}
              {s.name}
            </span>
          ))}
        </figcaption>
      ) : null}
    </figure>
  );
}

/** Horizontal bars for "top N" lists: each label on its own line above its bar, so long sentences fit. */
export function HorizontalBarChart(props: { id: string; title: string; rows: { label: string; value: number }[]; color: string }) {
  const rowHeight = 36;
  const height = Math.max(rowHeight, props.rows.length * rowHeight) + 4;
  const max = Math.max(1, ...props.rows.map((r) => r.value));
  const barSpace = WIDTH - 70;
  return (
    <svg class="chart" viewBox={`0 0 ${WIDTH} ${height}`} role="img" aria-labelledby={`${props.id}-title ${props.id}-desc`} xmlns="http://www.w3.org/2000/svg">
      <title id={`${props.id}-title`}>{props.title}</title>
      <desc id={`${props.id}-desc`}>{props.rows.map((r) => `${r.label}: ${r.value}`).join("; ")}</desc>
      {props.rows.map((row, i) => {
        const width = (row.value / max) * barSpace;
        const y = i * rowHeight + 2;
        return (
          <g>
            <text class="label" x={0} y={y + 13}>
              {row.label}
            </text>
            <rect x={0} y={y + 18} width={Math.max(1, width).toFixed(1)} height={12} fill={props.color}>
              <title>{`${row.label}: ${row.value}`}</title>
            </rect>
            <text x={(width + 6).toFixed(1)} y={y + 29}>
              {String(row.value)}
            </text>
          </g>
        );
      })}
    </svg>
  );
}

function formatCount(value: number): string {
  if (value >= 1_000_000) return `${Number((value / 1_000_000).toFixed(1))}M`;
  if (value >= 10_000) return `${Number((value / 1000).toFixed(1))}k`;
  return String(Math.round(value * 10) / 10);
}

/** Every day from `from` to `to` (YYYY-MM-DD, inclusive), so days without traffic show as gaps, not as missing bars. */
export function daysBetween(from: string, to: string, maxDays = 400): string[] {
  const out: string[] = [];
  const day = new Date(`${from}T00:00:00Z`);
  const end = new Date(`${to}T00:00:00Z`);
  while (day <= end && out.length < maxDays) {
    out.push(day.toISOString().slice(0, 10));
    day.setUTCDate(day.getUTCDate() + 1);
  }
  return out;
}
