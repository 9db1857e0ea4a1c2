/** Two evaluations picked to compare: the newer is "after", the older the baseline ("against"). */
export function compareOrder<T extends { created_at: string }>(picked: readonly T[]): [T | undefined, T | undefined] {
  if (picked.length !== 2) return [undefined, undefined];
  const [a, b] = picked as [T, T];
  return Date.parse(a.created_at) >= Date.parse(b.created_at) ? [a, b] : [b, a];
}
