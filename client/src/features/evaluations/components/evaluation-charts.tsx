/**
 * The evaluation's charts (recharts, bundled): pass rate per variant with the pass threshold as a
 * line, pass rate per assertion type and metric per variant, latency p50/p95/mean per variant, and
 * cost per variant. Every chart is hidden from screen readers and followed by a visually hidden
 * table with the same numbers. Loaded lazily: the chart library is the page's heaviest part.
 */
import type { ReactElement, ReactNode } from 'react';
import { Bar, BarChart, CartesianGrid, Legend, ReferenceLine, ResponsiveContainer, Tooltip, XAxis, YAxis } from 'recharts';
import { EmptyState } from '@/components/states';
import { assertionPassRateData, costData, latencyData, passRateData } from '../lib/chart-data';
import { formatMs, formatPercent, formatUsd, type VariantSummary } from '../lib/summary';

// Tailwind's indigo, emerald, amber, sky, rose, violet, teal, orange (600): up to 8 variants.
const COLORS = ['#4f46e5', '#059669', '#d97706', '#0284c7', '#e11d48', '#7c3aed', '#0d9488', '#ea580c'];
const HEIGHT = 260;
const percent = (value: unknown) => (typeof value === 'number' ? `${value}%` : '—');

function ChartFigure({ id, title, description, chart, table }: { id: string; title: string; description: string; chart: ReactElement; table: ReactNode }) {
  return (
    <figure aria-labelledby={`${id}-title`} className="rounded-lg bg-white p-4 ring-1 ring-slate-200">
      <figcaption id={`${id}-title`} className="text-sm font-semibold text-slate-900">
        {title}
      </figcaption>
      <p className="mb-3 text-xs text-slate-500">{description}</p>
      <div aria-hidden="true" style={{ height: HEIGHT }}>
        <ResponsiveContainer width="100%" height="100%">
          {chart}
        </ResponsiveContainer>
      </div>
      <div className="sr-only">{table}</div>
    </figure>
  );
}

function NumbersTable({ caption, head, rows }: { caption: string; head: string[]; rows: (string | number)[][] }) {
  return (
    <table>
      <caption>{caption}</caption>
      <thead>
        <tr>
          {head.map((h) => (
            <th key={h} scope="col">
              {h}
            </th>
          ))}
        </tr>
      </thead>
      <tbody>
        {rows.map((row, i) => (
          <tr key={i}>
            {row.map((cell, j) =>
              j === 0 ? (
                <th key={j} scope="row">
                  {cell}
                </th>
              ) : (
                <td key={j}>{cell}</td>
              ),
            )}
          </tr>
        ))}
      </tbody>
    </table>
  );
}

export function EvaluationCharts({ summaries, passThreshold }: { summaries: VariantSummary[]; passThreshold: number }) {
  if (summaries.length === 0) {
    return <EmptyState title="No summary yet">The charts are drawn from the summary, written when the run ends.</EmptyState>;
  }
  const passRates = passRateData(summaries);
  const byAssertion = assertionPassRateData(summaries);
  const latency = latencyData(summaries);
  const cost = costData(summaries);
  const variants = summaries.map((s) => s.variant);
  const threshold = Math.round(passThreshold * 1000) / 10;

  return (
    <div className="grid gap-4 lg:grid-cols-2">
      <ChartFigure
        id="chart-pass-rate"
        title="Pass rate per variant"
        description={`The dashed line is the pass threshold (${threshold}%): every variant must reach it for the evaluation to pass.`}
        chart={
          <BarChart data={passRates} margin={{ top: 16, right: 16, bottom: 0, left: 0 }}>
            <CartesianGrid strokeDasharray="3 3" vertical={false} />
            <XAxis dataKey="variant" tick={{ fontSize: 12 }} />
            <YAxis domain={[0, 100]} unit="%" width={48} tick={{ fontSize: 12 }} />
            <Tooltip formatter={percent} />
            <Bar dataKey="passRate" name="Pass rate" fill={COLORS[0]} isAnimationActive={false} />
            <ReferenceLine y={threshold} stroke="#dc2626" strokeDasharray="6 4" label={{ value: `threshold ${threshold}%`, position: 'insideTopRight', fontSize: 11, fill: '#dc2626' }} />
          </BarChart>
        }
        table={
          <NumbersTable
            caption={`Pass rate per variant (threshold ${threshold}%)`}
            head={['Variant', 'Pass rate', 'Passed', 'Results']}
            rows={passRates.map((d) => [d.variant, `${d.passRate}%`, d.passed, d.results])}
          />
        }
      />
      <ChartFigure
        id="chart-assertions"
        title="Pass rate per assertion and metric"
        description="Each assertion type as written (not- forms apart), then each named metric."
        chart={
          <BarChart data={byAssertion} margin={{ top: 16, right: 16, bottom: 0, left: 0 }}>
            <CartesianGrid strokeDasharray="3 3" vertical={false} />
            <XAxis dataKey="name" tick={{ fontSize: 11 }} interval={0} />
            <YAxis domain={[0, 100]} unit="%" width={48} tick={{ fontSize: 12 }} />
            <Tooltip formatter={percent} />
            <Legend wrapperStyle={{ fontSize: 12 }} />
            {variants.map((v, i) => (
              <Bar key={v} dataKey={v} name={v} fill={COLORS[i % COLORS.length]} isAnimationActive={false} />
            ))}
          </BarChart>
        }
        table={
          <NumbersTable
            caption="Pass rate per assertion and metric, per variant"
            head={['Assertion or metric', ...variants]}
            rows={byAssertion.map((d) => [d.name, ...variants.map((v) => percent(d[v]))])}
          />
        }
      />
      <ChartFigure
        id="chart-latency"
        title="Latency per variant"
        description="Median (p50), 95th percentile and mean of the provider calls, in milliseconds."
        chart={
          <BarChart data={latency} margin={{ top: 16, right: 16, bottom: 0, left: 0 }}>
            <CartesianGrid strokeDasharray="3 3" vertical={false} />
            <XAxis dataKey="variant" tick={{ fontSize: 12 }} />
            <YAxis unit=" ms" width={64} tick={{ fontSize: 12 }} />
            <Tooltip formatter={(value) => (typeof value === 'number' ? formatMs(value) : '—')} />
            <Legend wrapperStyle={{ fontSize: 12 }} />
            <Bar dataKey="p50" name="p50" fill={COLORS[3]} isAnimationActive={false} />
            <Bar dataKey="mean" name="mean" fill={COLORS[1]} isAnimationActive={false} />
            <Bar dataKey="p95" name="p95" fill={COLORS[2]} isAnimationActive={false} />
          </BarChart>
        }
        table={
          <NumbersTable
            caption="Latency per variant"
            head={['Variant', 'p50', 'Mean', 'p95']}
            rows={latency.map((d) => [d.variant, formatMs(d.p50), formatMs(d.mean), formatMs(d.p95)])}
          />
        }
      />
      <ChartFigure
        id="chart-cost"
        title="Cost per variant"
        description="What the variant's provider calls cost, and the judges' and embeddings' calls apart (USD, from the pricing table)."
        chart={
          <BarChart data={cost} margin={{ top: 16, right: 16, bottom: 0, left: 0 }}>
            <CartesianGrid strokeDasharray="3 3" vertical={false} />
            <XAxis dataKey="variant" tick={{ fontSize: 12 }} />
            <YAxis width={72} tick={{ fontSize: 12 }} tickFormatter={(value: number) => formatUsd(value)} />
            <Tooltip formatter={(value) => (typeof value === 'number' ? formatUsd(value) : '—')} />
            <Legend wrapperStyle={{ fontSize: 12 }} />
            <Bar dataKey="cost" name="Calls" stackId="cost" fill={COLORS[0]} isAnimationActive={false} />
            <Bar dataKey="grading" name="Grading" stackId="cost" fill={COLORS[5]} isAnimationActive={false} />
          </BarChart>
        }
        table={<NumbersTable caption="Cost per variant (USD)" head={['Variant', 'Calls', 'Grading']} rows={cost.map((d) => [d.variant, formatUsd(d.cost), formatUsd(d.grading)])} />}
      />
      <p className="text-xs text-slate-500 lg:col-span-2">
        Overall: {summaries.map((s) => `${s.variant} ${formatPercent(s.passRate)}`).join(' · ')}
      </p>
    </div>
  );
}
