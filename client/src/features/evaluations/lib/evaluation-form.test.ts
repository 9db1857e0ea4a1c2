import { describe, expect, it } from 'vitest';
import { latestPassRates, type Evaluation } from '@/api/evaluation-queries';
import type { ProjectEvent } from '@/api/project-events';
import { ASSERTION_TYPES } from './assertion-types';
import { assertionBody, checkDraft, duplicateVariant, emptyAssertion, emptyDraft, emptyVariant, evaluationBody, MAX_VARIANTS, placeErrors, shownFields } from './evaluation-form';
import { draftFromSearch } from './form-prefill';
import { applyEvaluationEvent, elapsedMs, formatElapsed } from './live-evaluation';
import { compareOrder } from './selection';

describe('variants', () => {
  it('duplicates a variant right after it under a new name, up to 8', () => {
    const a = emptyVariant({ name: 'mini', prompt: 'p', providerId: 'x', model: 'gpt-4o-mini', temperature: '0' });
    const b = emptyVariant({ name: 'B' });
    const twice = duplicateVariant(duplicateVariant([a, b], 0), 0);
    expect(twice.map((v) => v.name)).toEqual(['mini', 'mini (3)', 'mini (2)', 'B']);
    expect(twice[1]).toMatchObject({ prompt: 'p', providerId: 'x', model: 'gpt-4o-mini', temperature: '0' });
    expect(new Set(twice.map((v) => v.key)).size).toBe(4);
    const full = Array.from({ length: MAX_VARIANTS }, (_, i) => emptyVariant({ name: `v${i}` }));
    expect(duplicateVariant(full, 0)).toHaveLength(MAX_VARIANTS);
  });

  it('sends a label or a fixed version, and only the parameters given', () => {
    const draft = { ...emptyDraft(), name: 'n', dataset: 'qa', variants: [emptyVariant({ name: 'A', prompt: 'p', label: 'staging', providerId: 'c1' }), emptyVariant({ name: 'B', prompt: 'p', by: 'version', version: '3', providerId: 'c1', model: ' gpt-4o ', maxTokens: '64' })] };
    const body = evaluationBody(draft);
    expect(body.dataset).toEqual({ name: 'qa', version: null });
    expect(body.variants[0]).toEqual({ name: 'A', prompt: { name: 'p', label: 'staging' }, provider_id: 'c1', model: null, params: {} });
    expect(body.variants[1]).toEqual({ name: 'B', prompt: { name: 'p', version: 3 }, provider_id: 'c1', model: 'gpt-4o', params: { max_tokens: 64 } });
    expect(body).toMatchObject({ concurrency: 10, pass_threshold: 1 });
  });
});

describe('assertions', () => {
  it('sends each type with the fields it takes', () => {
    expect(assertionBody(emptyAssertion('icontains', { value: '{{ product }}', negate: true, weight: '2', metric: 'tone' }))).toEqual({ type: 'not-icontains', value: '{{ product }}', weight: 2, metric: 'tone' });
    expect(assertionBody(emptyAssertion('contains-any', { value: 'a\n b \n\n' }))).toEqual({ type: 'contains-any', value: ['a', 'b'] });
    expect(assertionBody(emptyAssertion('equals', { value: '{"status": "ok"}' }))).toEqual({ type: 'equals', value: { status: 'ok' } });
    expect(assertionBody(emptyAssertion('equals', { value: 'Paris' }))).toEqual({ type: 'equals', value: 'Paris' });
    expect(assertionBody(emptyAssertion('is-json', { value: '' }))).toEqual({ type: 'is-json' });
    expect(assertionBody(emptyAssertion('latency', { value: 'ignored', threshold: '2000' }))).toEqual({ type: 'latency', threshold: 2000 });
    expect(assertionBody(emptyAssertion('contains', { value: 'x', threshold: '3' }))).toEqual({ type: 'contains', value: 'x' });
    expect(assertionBody(emptyAssertion('llm-rubric', { value: 'Is polite', providerId: 'c1', model: 'gpt-4o-mini', threshold: '0.5' }))).toEqual({
      type: 'llm-rubric',
      value: 'Is polite',
      threshold: 0.5,
      provider: { provider_id: 'c1', model: 'gpt-4o-mini' },
    });
    expect(assertionBody(emptyAssertion('similar', { value: '{{ expected }}', providerId: 'c1', model: 'emb' }))).toMatchObject({ value: '{{ expected }}' });
    expect(assertionBody(emptyAssertion('assert-set', { value: '[{"type": "contains", "value": "a"}]', negate: true, threshold: '0.5' }))).toEqual({
      type: 'assert-set',
      assert: [{ type: 'contains', value: 'a' }],
      threshold: 0.5,
    });
  });

  it('every type has an explanation and an example; model-graded ones ask for a model', () => {
    for (const t of ASSERTION_TYPES) expect(t.summary && t.example).toBeTruthy();
    expect(ASSERTION_TYPES.filter((t) => t.model).map((t) => t.type)).toEqual(['llm-rubric', 'similar']);
    expect(ASSERTION_TYPES.filter((t) => t.threshold?.required).map((t) => t.type)).toEqual(['latency', 'cost']);
  });

  it('checks what the browser can before sending', () => {
    const draft = { ...emptyDraft(), assertions: [emptyAssertion('latency'), emptyAssertion('llm-rubric', { value: 'x' }), emptyAssertion('contains')] };
    const errors = checkDraft(draft);
    expect(errors).toMatchObject({
      name: expect.any(String),
      'dataset.name': 'Pick a dataset.',
      'variants.0.prompt.name': 'Pick a prompt.',
      'variants.0.provider_id': 'Pick a provider connection.',
      'assertions.0.threshold': 'Most milliseconds is required.',
      'assertions.1.provider.provider_id': expect.any(String),
      'assertions.1.provider.model': 'Name the model.',
      'assertions.2.value': 'This type needs a value.',
    });
    expect(checkDraft(draft, { forEstimate: true }).name).toBeUndefined();
  });
});

describe('API field errors', () => {
  it('go to the field they name (or its nearest shown parent); the rest to the banner', () => {
    const draft = { ...emptyDraft(), variants: [emptyVariant(), emptyVariant()], assertions: [emptyAssertion()] };
    const { fields, other } = placeErrors(
      {
        'variants.1.prompt.label': 'No label "x".',
        'assertions.0.provider.provider_id': 'No provider connection with this id in the project.',
        'variants.0.params.temperature': 'Input should be less than or equal to 2',
        dataset: 'Dataset has no items at version 2.',
        'grader.provider_id': 'No provider connection with this id in the project.',
      },
      shownFields(draft),
    );
    expect(fields).toEqual({
      'variants.1.prompt.label': 'No label "x".',
      'assertions.0.provider.provider_id': 'No provider connection with this id in the project.',
      'variants.0.params.temperature': 'Input should be less than or equal to 2',
      dataset: 'Dataset has no items at version 2.',
    });
    expect(other).toEqual(['grader.provider_id: No provider connection with this id in the project.']);
  });
});

describe('prefill', () => {
  it('"Evaluate this version" pre-fills one variant running that version', () => {
    const draft = draftFromSearch(new URLSearchParams('prompt=support&version=3&dataset=qa'));
    expect(draft).toMatchObject({ name: 'support v3', dataset: 'qa' });
    expect(draft.variants).toHaveLength(1);
    expect(draft.variants[0]).toMatchObject({ prompt: 'support', by: 'version', version: '3' });
  });
});

const evaluation = (over: Partial<Evaluation> = {}): Evaluation => ({
  id: 'e1',
  project_id: 'p',
  name: 'nightly',
  status: 'queued',
  dataset: { id: 'd', name: 'qa', version: 1 },
  variants: [],
  assertions: [],
  grader: null,
  concurrency: 10,
  pass_threshold: 1,
  progress: { done: 0, total: 10, passed: 0, failed: 0, errors: 0 },
  passed: null,
  summary: null,
  message: null,
  created_by: 'ada',
  created_at: '2026-01-01T00:00:00Z',
  started_at: null,
  finished_at: null,
  ...over,
});
const event = (name: string, data: Record<string, unknown>): ProjectEvent => ({ event: name, project_id: 'p', data, at: '2026-01-01T00:00:05Z' });

describe('live events', () => {
  it('move progress forward only, and end the run on a terminal event', () => {
    const running = applyEvaluationEvent(evaluation(), event('evaluation.progress', { id: 'e1', done: 4, total: 10, passed: 3, failed: 1, errors: 0 }));
    expect(running).toMatchObject({ status: 'running', progress: { done: 4, passed: 3, failed: 1 }, started_at: '2026-01-01T00:00:05Z' });
    expect(applyEvaluationEvent(running, event('evaluation.progress', { id: 'e1', done: 2, total: 10, passed: 2, failed: 0, errors: 0 }))).toBe(running);
    expect(applyEvaluationEvent(running, event('evaluation.progress', { id: 'other', done: 9 }))).toBe(running);
    const done = applyEvaluationEvent(running, event('evaluation.completed', { id: 'e1', status: 'completed', passed: false, progress: { done: 10, total: 10, passed: 8, failed: 2, errors: 0 } }));
    expect(done).toMatchObject({ status: 'completed', passed: false, progress: { done: 10, passed: 8 }, finished_at: '2026-01-01T00:00:05Z' });
    expect(applyEvaluationEvent(done, event('evaluation.progress', { id: 'e1', done: 10, total: 10 }))).toBe(done);
  });

  it('elapsed time runs from the start to the end or now', () => {
    const e = evaluation({ started_at: '2026-01-01T00:00:00Z' });
    expect(formatElapsed(elapsedMs(e, Date.parse('2026-01-01T00:02:05Z')))).toBe('2m 05s');
    expect(formatElapsed(elapsedMs({ ...e, finished_at: '2026-01-01T00:00:09Z' }, Date.parse('2026-01-02T00:00:00Z')))).toBe('9s');
    expect(formatElapsed(3_720_000)).toBe('1h 02m');
  });
});

describe('lists', () => {
  it('compare puts the older of two evaluations as the baseline', () => {
    const older = evaluation({ id: 'old', created_at: '2026-01-01T00:00:00Z' });
    const newer = evaluation({ id: 'new', created_at: '2026-01-02T00:00:00Z' });
    expect(compareOrder([older, newer]).map((e) => e?.id)).toEqual(['new', 'old']);
    expect(compareOrder([newer])).toEqual([undefined, undefined]);
  });

  it('the latest pass rate per version comes from the newest evaluation with a summary', () => {
    const variant = (version: number, rate: number | null) => ({
      name: `v${version}`,
      prompt: { name: 'support', version, label: null },
      provider_id: null,
      provider_name: 'x',
      model: 'm',
      params: {},
      summary: rate === null ? null : { pass_rate: rate },
    });
    const rates = latestPassRates(
      [evaluation({ id: 'running', variants: [variant(3, null)] }), evaluation({ id: 'b', variants: [variant(3, 0.5), variant(2, 0.9)] }), evaluation({ id: 'a', variants: [variant(2, 0.1)] })],
      'support',
    );
    expect(rates.get(3)).toMatchObject({ passRate: 0.5, evaluationId: 'b' });
    expect(rates.get(2)).toMatchObject({ passRate: 0.9, evaluationId: 'b' });
    expect(rates.has(1)).toBe(false);
  });
});
