/** Model configuration as edited in a JSON textarea. */

/** Parse the model config textarea: empty → null; invalid JSON or non-object → error message. */
export function parseModelConfig(text: string): { value: Record<string, unknown> | null; error?: string } {
  if (!text.trim()) return { value: null };
  try {
    const parsed: unknown = JSON.parse(text);
    if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) return { value: null, error: 'Model config must be a JSON object.' };
    return { value: parsed as Record<string, unknown> };
  } catch {
    return { value: null, error: 'Model config is not valid JSON.' };
  }
}
