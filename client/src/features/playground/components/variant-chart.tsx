/** A small SVG bar chart comparing the variants' latency and cost (no chart library, no CDN). */

export interface ChartBar {
  label: string;
  latencyMs: number | null;
  costUsd: number | null;
}

const COLORS = ['#4f46e5', '#0891b2', '#d97706', '#be185d'];
const ROW = 22;
const LABEL_W = 92;
const BAR_W = 220;
const VALUE_W = 90;

function Group({ title, bars, value, format, y0 }: { title: string; bars: ChartBar[]; value: (b: ChartBar) => number | null; format: (n: number) => string; y0: number }) {
  const max = Math.max(0, ...bars.map((b) => value(b) ?? 0));
  return (
    <g transform={`translate(0 ${y0})`}>
      <text x={0} y={12} className="fill-slate-700 text-[12px] font-semibold">
        {title}
      </text>
      {bars.map((bar, i) => {
        const v = value(bar);
        const width = v === null || max === 0 ? 0 : Math.max(2, (v / max) * BAR_W);
        const y = 20 + i * ROW;
        return (
          <g key={bar.label} transform={`translate(0 ${y})`}>
            <text x={0} y={13} className="fill-slate-600 text-[11px]">
              {bar.label}
            </text>
            <rect x={LABEL_W} y={2} width={width} height={14} rx={2} fill={COLORS[i % COLORS.length]} />
            <text x={LABEL_W + width + 6} y={13} className="fill-slate-700 text-[11px]">
              {v === null ? 'n/a' : format(v)}
            </text>
          </g>
        );
      })}
    </g>
  );
}

export function VariantChart({ bars, formatLatency, formatCost }: { bars: ChartBar[]; formatLatency: (n: number) => string; formatCost: (n: number) => string }) {
  if (bars.length === 0) return null;
  const groupHeight = 20 + bars.length * ROW + 10;
  const height = groupHeight * 2;
  const summary = bars
    .map((b) => `${b.label}: latency ${b.latencyMs === null ? 'n/a' : formatLatency(b.latencyMs)}, cost ${b.costUsd === null ? 'n/a' : formatCost(b.costUsd)}`)
    .join('; ');
  return (
    <figure className="rounded-lg bg-white p-4 ring-1 ring-slate-200">
      <figcaption className="mb-2 text-sm font-semibold text-slate-800">Latency and cost by variant</figcaption>
      <svg role="img" aria-label={`Latency and cost by variant. ${summary}`} viewBox={`0 0 ${LABEL_W + BAR_W + VALUE_W} ${height}`} className="h-auto w-full max-w-xl">
        <Group title="Latency" bars={bars} value={(b) => b.latencyMs} format={formatLatency} y0={0} />
        <Group title="Cost (USD)" bars={bars} value={(b) => b.costUsd} format={formatCost} y0={groupHeight} />
      </svg>
    </figure>
  );
}
