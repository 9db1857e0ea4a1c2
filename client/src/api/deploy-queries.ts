/**
 * Deploy gates over the generated client (docs/deploy-gates.md): the project's deploy policy and
 * its deployments. Shared by the prompt page (gate badges, blocked moves), the Deployments page and
 * the policy editor in settings, so invalidating `deployKeys.all` refreshes every view.
 */
import { queryOptions } from '@tanstack/react-query';
import { isApiError, type ApiError } from './api-error';
import { deploymentsApprove, deploymentsGetPolicy, deploymentsList, deploymentsPutPolicy, deploymentsReject } from './generated/sdk.gen';
import type { Deployment, DeployPolicy, DeployPolicyUpdate, EvaluationRule, LabelGate } from './generated/types.gen';

export type { Deployment, DeployPolicy, DeployPolicyUpdate, EvaluationRule, LabelGate };
export type DeploymentStatus = Deployment['status'];

export const DEPLOYMENT_STATUSES: readonly DeploymentStatus[] = ['pending', 'approved', 'rejected', 'deployed', 'superseded'];

export const deployKeys = {
  all: (projectId: string) => ['projects', projectId, 'deploy'] as const,
  policy: (projectId: string) => ['projects', projectId, 'deploy', 'policy'] as const,
  list: (projectId: string, status: DeploymentStatus | null, cursor: string | null) =>
    ['projects', projectId, 'deploy', 'deployments', { status, cursor }] as const,
  pendingOf: (projectId: string, prompt: string) => ['projects', projectId, 'deploy', 'deployments', { status: 'pending', prompt }] as const,
};

export const deployPolicyQueryOptions = (projectId: string) =>
  queryOptions({
    queryKey: deployKeys.policy(projectId),
    queryFn: async ({ signal }) => (await deploymentsGetPolicy({ signal, path: { project_id: projectId }, throwOnError: true })).data,
  });

export const deploymentsQueryOptions = (projectId: string, status: DeploymentStatus | null, cursor: string | null = null, limit = 50) =>
  queryOptions({
    queryKey: deployKeys.list(projectId, status, cursor),
    queryFn: async ({ signal }) =>
      (
        await deploymentsList({
          signal,
          path: { project_id: projectId },
          query: { status: status ?? undefined, cursor: cursor ?? undefined, limit },
          throwOnError: true,
        })
      ).data,
  });

/** Pending deployments of one prompt (the prompt page shows them next to its labels). */
export const pendingDeploymentsQueryOptions = (projectId: string, prompt: string) =>
  queryOptions({
    queryKey: deployKeys.pendingOf(projectId, prompt),
    queryFn: async ({ signal }) =>
      (await deploymentsList({ signal, path: { project_id: projectId }, query: { status: 'pending', prompt, limit: 100 }, throwOnError: true })).data,
  });

export const putDeployPolicy = async (projectId: string, body: DeployPolicyUpdate) =>
  (await deploymentsPutPolicy({ path: { project_id: projectId }, body, throwOnError: true })).data;

export const approveDeployment = async (projectId: string, id: string, comment: string) =>
  (await deploymentsApprove({ path: { project_id: projectId, deployment_id: id }, body: { comment: comment || null }, throwOnError: true })).data;

export const rejectDeployment = async (projectId: string, id: string, comment: string) =>
  (await deploymentsReject({ path: { project_id: projectId, deployment_id: id }, body: { comment: comment || null }, throwOnError: true })).data;

/** What a 409 `deploy_gate_failed` carries beyond its `detail`. */
export interface GateFailure {
  detail: string;
  reason: string | null;
  bestEvaluation: { id: string; pass_rate: number; dataset_version: number; finished_at: string | null } | null;
  requirement: EvaluationRule | null;
}

/** The gate failure inside an error, or null when the error is something else. */
export function gateFailure(error: unknown): GateFailure | null {
  if (!isApiError(error) || error.code !== 'deploy_gate_failed') return null;
  const ext = (error as ApiError).extensions;
  const best = ext.best_evaluation;
  return {
    detail: error.detail,
    reason: typeof ext.reason === 'string' ? ext.reason : null,
    bestEvaluation: best && typeof best === 'object' && typeof (best as { id?: unknown }).id === 'string' ? (best as GateFailure['bestEvaluation']) : null,
    requirement: ext.requirement && typeof ext.requirement === 'object' ? (ext.requirement as EvaluationRule) : null,
  };
}
