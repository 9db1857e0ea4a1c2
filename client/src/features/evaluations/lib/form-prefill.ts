/**
 * The form pre-filled from query parameters, e.g. "Evaluate this version" (`paths.evaluateVersion`):
 * `?prompt=NAME&version=N` or `&label=L`, optionally `dataset`, `provider`, `model`.
 */
import { emptyDraft, emptyVariant, type EvaluationDraft } from './evaluation-form';

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
