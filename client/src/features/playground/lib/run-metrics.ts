/** How run numbers read: cost in USD, durations in ms or s, token counts. */

export function formatCost(usd: number | null | undefined): string {
  if (usd === null || usd === undefined) return '—';
  if (usd === 0) return '$0';
  if (usd < 0.0001) return `$${usd.toExponential(1)}`;
  return `$${usd < 0.01 ? usd.toFixed(6).replace(/0+$/, '') : usd.toFixed(4)}`;
}

export function formatMs(ms: number | null | undefined): string {
  if (ms === null || ms === undefined) return '—';
  return ms < 1000 ? `${Math.round(ms)} ms` : `${(ms / 1000).toFixed(2)} s`;
}

export function formatTokens(n: number | null | undefined): string {
  return n === null || n === undefined ? '—' : n.toLocaleString();
}
