/**
 * "Evaluate this version" links: the form pre-filled from query parameters
 * (`?prompt=NAME&version=N` or `&label=L`, optionally `dataset`, `provider`, `model`).
 */
import { emptyDraft, emptyVariant, type EvaluationDraft } from './evaluation-form';

export function evaluateVersionSearch(prompt: string, version: number, extra: { provider?: string | null; model?: string | null } = {}): URLSearchParams {
  const search = new URLSearchParams({ prompt, version: String(version) });
  if (extra.provider) search.set('provider', extra.provider);
  if (extra.model) search.set('model', extra.model);
  return search;
}

export function draftFromSearch(search: URLSearchParams): EvaluationDraft {
  const draft = emptyDraft();
  const prompt = search.get('prompt') ?? '';
  const version = search.get('version') ?? '';
  const label = search.get('label') ?? '';
  if (search.get('dataset')) draft.dataset = search.get('dataset') ?? '';
  if (prompt) {
    draft.variants = [
      emptyVariant({
        name: version ? `${prompt} v${version}` : 'A',
        prompt,
        by: /^\d+$/.test(version) ? 'version' : 'label',
        version: /^\d+$/.test(version) ? version : '',
        label: label || 'latest',
        providerId: search.get('provider') ?? '',
        model: search.get('model') ?? '',
      }),
    ];
    draft.name = version ? `${prompt} v${version}` : prompt;
  }
  return draft;
}
