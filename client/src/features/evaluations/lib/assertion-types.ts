/**
 * The assertion types of docs/evaluations.md as the form offers them: what each needs (value,
 * threshold, judge or embedding model), a one-line explanation and an example. The server checks
 * everything again (422 naming `assertions[i].field`); this only shapes the form.
 */

/** How the value is typed in: text, one entry per line, a JSON Schema, a list of child assertions, or none. */
export type ValueKind = 'text' | 'lines' | 'json-or-text' | 'schema' | 'children' | 'none';

export interface AssertionType {
  type: string;
  family: 'Text' | 'Structured' | 'Distance' | 'Latency and cost' | 'Model-graded' | 'Group';
  summary: string;
  value: ValueKind;
  valueLabel?: string;
  valueRequired: boolean;
  /** What threshold means for this type; absent when it has none. */
  threshold?: { label: string; placeholder: string; required: boolean };
  /** llm-rubric (the judge) and similar (the embedding model) need a provider connection and a model. */
  model?: 'judge' | 'embedding';
  /** assert-set has no not- form. */
  negatable: boolean;
  example: string;
}

export const ASSERTION_TYPES: readonly AssertionType[] = [
  { type: 'equals', family: 'Text', summary: 'The output is exactly the value (JSON values compare as parsed JSON).', value: 'json-or-text', valueRequired: true, negatable: true, example: 'Paris' },
  { type: 'contains', family: 'Text', summary: 'The output contains the value (case-sensitive).', value: 'text', valueRequired: true, negatable: true, example: '{{ product }}' },
  { type: 'icontains', family: 'Text', summary: 'The output contains the value, ignoring case.', value: 'text', valueRequired: true, negatable: true, example: '{{ product }}' },
  { type: 'contains-any', family: 'Text', summary: 'The output contains at least one of the values.', value: 'lines', valueLabel: 'Values (one per line)', valueRequired: true, negatable: true, example: 'refund\nreturn' },
  { type: 'contains-all', family: 'Text', summary: 'The output contains every value; the reason lists the missing ones.', value: 'lines', valueLabel: 'Values (one per line)', valueRequired: true, negatable: true, example: 'order number\ndelivery date' },
  { type: 'icontains-any', family: 'Text', summary: 'Like contains-any, ignoring case.', value: 'lines', valueLabel: 'Values (one per line)', valueRequired: true, negatable: true, example: 'As an AI\nI cannot' },
  { type: 'icontains-all', family: 'Text', summary: 'Like contains-all, ignoring case.', value: 'lines', valueLabel: 'Values (one per line)', valueRequired: true, negatable: true, example: 'hello\nthanks' },
  { type: 'starts-with', family: 'Text', summary: 'The output starts with the value.', value: 'text', valueRequired: true, negatable: true, example: 'Dear {{ name }}' },
  { type: 'regex', family: 'Text', summary: 'The regular expression (RE2: no backreferences or lookaround) matches somewhere.', value: 'text', valueLabel: 'Pattern', valueRequired: true, negatable: true, example: '^\\d{3}-\\d{4}$' },
  { type: 'is-json', family: 'Structured', summary: 'The whole output is JSON, conforming to the schema when one is given.', value: 'schema', valueLabel: 'JSON Schema (optional)', valueRequired: false, negatable: true, example: '{"type": "object", "required": ["answer"]}' },
  { type: 'contains-json', family: 'Structured', summary: 'Some JSON object or array appears in the output (e.g. a fenced block), matching the schema if given.', value: 'schema', valueLabel: 'JSON Schema (optional)', valueRequired: false, negatable: true, example: '{"type": "array"}' },
  { type: 'levenshtein', family: 'Distance', summary: 'The edit distance to the value is at most the threshold.', value: 'text', valueRequired: true, threshold: { label: 'Most edits', placeholder: '5', required: false }, negatable: true, example: '{{ expected }}' },
  { type: 'rouge-n', family: 'Distance', summary: 'ROUGE-1 recall of the reference in the output is at least the threshold.', value: 'text', valueLabel: 'Reference', valueRequired: true, threshold: { label: 'Least score (0–1)', placeholder: '0.75', required: false }, negatable: true, example: 'The invoice was paid on March 3' },
  { type: 'latency', family: 'Latency and cost', summary: 'The call took at most the threshold in milliseconds.', value: 'none', valueRequired: false, threshold: { label: 'Most milliseconds', placeholder: '2000', required: true }, negatable: true, example: 'threshold 2000' },
  { type: 'cost', family: 'Latency and cost', summary: 'The call cost at most the threshold in USD (an unknown price is an error).', value: 'none', valueRequired: false, threshold: { label: 'Most USD', placeholder: '0.001', required: true }, negatable: true, example: 'threshold 0.001' },
  { type: 'llm-rubric', family: 'Model-graded', summary: 'A judge model says the output satisfies the rubric.', value: 'text', valueLabel: 'Rubric', valueRequired: true, threshold: { label: 'Least judge score (0–1, optional)', placeholder: '', required: false }, model: 'judge', negatable: true, example: 'Is polite and answers the question about {{ product }}' },
  { type: 'similar', family: 'Model-graded', summary: 'The cosine similarity of the embeddings of output and value is at least the threshold.', value: 'lines', valueLabel: 'Values (one per line; similar to any)', valueRequired: true, threshold: { label: 'Least similarity (0–1)', placeholder: '0.75', required: false }, model: 'embedding', negatable: true, example: '{{ expected }}' },
  { type: 'assert-set', family: 'Group', summary: 'Groups assertions and scores them as one, with its own threshold and weight.', value: 'children', valueLabel: 'Assertions of the set (JSON list)', valueRequired: true, threshold: { label: 'Least share of weighted children passing (0–1, optional)', placeholder: '', required: false }, negatable: false, example: '[{"type": "starts-with", "value": "Dear"}, {"type": "icontains", "value": "regards"}]' },
];

export const ASSERTION_TYPE_NAMES = ASSERTION_TYPES.map((t) => t.type);

export function assertionType(type: string): AssertionType {
  return ASSERTION_TYPES.find((t) => t.type === type) ?? ASSERTION_TYPES[0]!;
}
