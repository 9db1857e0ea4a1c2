/** The deploy-policy editor's form rows, to and from the API's `{labels: {<label>: LabelGate}}`. */
import type { DeployPolicy, DeployPolicyUpdate, LabelGate } from '@/api/deploy-queries';
import type { FieldErrors } from '@/lib/field-errors';

export interface GateRow {
  label: string;
  requireEvaluation: boolean;
  dataset: string;
  /** '' = the dataset's current version. */
  datasetVersion: string;
  /** Percent, 0..100, as typed. */
  minPassRate: string;
  /** '' = any age. */
  maxAgeHours: string;
  requireApproval: boolean;
  allowRollback: boolean;
}

export const MAX_GATED_LABELS = 20;
export const LABEL_PATTERN = /^[a-z0-9][a-z0-9._-]{0,63}$/;

export function emptyRow(label: string): GateRow {
  return { label, requireEvaluation: false, dataset: '', datasetVersion: '', minPassRate: '90', maxAgeHours: '', requireApproval: false, allowRollback: true };
}

export function rowsFromPolicy(policy: DeployPolicy): GateRow[] {
  return Object.entries(policy.labels).map(([label, gate]) => {
    const rule = gate.require_evaluation;
    return {
      label,
      requireEvaluation: !!rule,
      dataset: rule?.dataset ?? '',
      datasetVersion: rule?.dataset_version ? String(rule.dataset_version) : '',
      // Round away float noise (0.9 * 100 = 90.00000000000001).
      minPassRate: rule ? String(Math.round(rule.min_pass_rate * 10000) / 100) : '90',
      maxAgeHours: rule?.max_age_hours ? String(rule.max_age_hours) : '',
      requireApproval: gate.require_approval ?? false,
      allowRollback: gate.allow_rollback ?? true,
    };
  });
}

const isInt = (s: string, min: number, max: number) => /^\d+$/.test(s) && Number(s) >= min && Number(s) <= max;

/**
 * The PUT body, or field errors keyed like the server's 422 (`labels.<label>.require_evaluation.<field>`),
 * so both show in the same place.
 */
export function policyFromRows(rows: GateRow[]): { body: DeployPolicyUpdate; errors: null } | { body: null; errors: FieldErrors } {
  const errors: FieldErrors = {};
  const labels: Record<string, LabelGate> = {};
  if (rows.length > MAX_GATED_LABELS) errors._ = `At most ${MAX_GATED_LABELS} labels can be gated.`;
  for (const row of rows) {
    const at = `labels.${row.label}`;
    if (!LABEL_PATTERN.test(row.label)) errors[at] = 'Lowercase letters, digits, ".", "_" and "-"; start with a letter or digit.';
    else if (row.label === 'latest') errors[at] = '"latest" always points to the newest version and cannot be gated.';
    else if (row.label in labels) errors[at] = 'This label is listed twice.';
    const gate: LabelGate = { require_evaluation: null, require_approval: row.requireApproval, allow_rollback: row.allowRollback };
    if (row.requireEvaluation) {
      const rule = `${at}.require_evaluation`;
      const rate = Number(row.minPassRate);
      if (!row.dataset) errors[`${rule}.dataset`] = 'Pick the dataset the evaluation must run on.';
      if (row.minPassRate.trim() === '' || !Number.isFinite(rate) || rate < 0 || rate > 100) errors[`${rule}.min_pass_rate`] = 'A percentage from 0 to 100.';
      if (row.datasetVersion && !isInt(row.datasetVersion, 1, 2147483647)) errors[`${rule}.dataset_version`] = 'A version number (1 or more), or empty for the current version.';
      if (row.maxAgeHours && !isInt(row.maxAgeHours, 1, 8760)) errors[`${rule}.max_age_hours`] = 'Whole hours from 1 to 8760, or empty for any age.';
      gate.require_evaluation = {
        dataset: row.dataset,
        dataset_version: row.datasetVersion ? Number(row.datasetVersion) : null,
        min_pass_rate: Math.round(rate * 100) / 10000,
        max_age_hours: row.maxAgeHours ? Number(row.maxAgeHours) : null,
      };
    }
    labels[row.label] = gate;
  }
  return Object.keys(errors).length ? { body: null, errors } : { body: { labels }, errors: null };
}
