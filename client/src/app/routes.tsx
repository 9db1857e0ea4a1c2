import { Navigate, type RouteObject } from 'react-router';
import { ApiKeysPage } from '@/features/api-keys/components/api-keys-page';
import { AccountPage } from '@/features/auth/components/account-page';
import { SignInPage } from '@/features/auth/components/sign-in-page';
import { SignUpPage } from '@/features/auth/components/sign-up-page';
import { DatasetPage } from '@/features/datasets/components/dataset-page';
import { DatasetsListPage } from '@/features/datasets/components/datasets-list-page';
import { DeployPolicyPage } from '@/features/deployments/components/deploy-policy-page';
import { DeploymentsPage } from '@/features/deployments/components/deployments-page';
import { EvaluationsListPage } from '@/features/evaluations/components/evaluations-list-page';
import { PromptsListPage } from '@/features/prompts/components/prompts-list-page';
import { ProvidersPage } from '@/features/providers/components/providers-page';
import { WebhooksPage } from '@/features/webhooks/components/webhooks-page';
import { AuditLogPage } from '@/features/workspaces/components/audit-log-page';
import { MembersPage } from '@/features/workspaces/components/members-page';
import { ProjectsPage } from '@/features/workspaces/components/projects-page';
import { AppLayout } from './app-layout';
import { HomeRedirect } from './home-redirect';
import { NotFound } from './not-found';
import { RequireAuth } from './require-auth';
import { SettingsLayout } from './settings-layout';
import { WorkspaceRedirect } from './workspace-redirect';

export const routes: RouteObject[] = [
  { path: '/sign-in', element: <SignInPage /> },
  { path: '/sign-up', element: <SignUpPage /> },
  {
    element: <RequireAuth />,
    children: [
      { index: true, element: <HomeRedirect /> },
      { path: 'w/:workspaceId', element: <WorkspaceRedirect /> },
      {
        path: 'w/:workspaceId/p/:projectId',
        element: <AppLayout />,
        children: [
          { index: true, element: <Navigate to="prompts" replace /> },
          { path: 'prompts', element: <PromptsListPage /> },
          // The editor pages carry CodeMirror: load them on first use.
          {
            path: 'prompts/new',
            lazy: async () => ({ Component: (await import('@/features/prompts/components/prompt-create-page')).PromptCreatePage }),
          },
          {
            path: 'prompts/:promptName',
            lazy: async () => ({ Component: (await import('@/features/prompts/components/prompt-detail-page')).PromptDetailPage }),
          },
          {
            path: 'playground',
            lazy: async () => ({ Component: (await import('@/features/playground/components/playground-page')).PlaygroundPage }),
          },
          { path: 'datasets', element: <DatasetsListPage /> },
          { path: 'datasets/:datasetName', element: <DatasetPage /> },
          { path: 'evaluations', element: <EvaluationsListPage /> },
          {
            path: 'evaluations/new',
            lazy: async () => ({ Component: (await import('@/features/evaluations/components/new-evaluation-page')).NewEvaluationPage }),
          },
          // The detail page pulls in the chart library (lazily, for its charts tab): load it on first use.
          {
            path: 'evaluations/:evaluationId',
            lazy: async () => ({ Component: (await import('@/features/evaluations/evaluation-detail-page')).EvaluationDetailPage }),
          },
          {
            path: 'evaluations/:evaluationId/compare',
            lazy: async () => ({ Component: (await import('@/features/evaluations/evaluation-compare-page')).EvaluationComparePage }),
          },
          { path: 'deployments', element: <DeploymentsPage /> },
          {
            path: 'settings',
            element: <SettingsLayout />,
            children: [
              { index: true, element: <Navigate to="members" replace /> },
              { path: 'members', element: <MembersPage /> },
              { path: 'projects', element: <ProjectsPage /> },
              { path: 'api-keys', element: <ApiKeysPage /> },
              { path: 'providers', element: <ProvidersPage /> },
              { path: 'deploy-policy', element: <DeployPolicyPage /> },
              { path: 'webhooks', element: <WebhooksPage /> },
              { path: 'audit-log', element: <AuditLogPage /> },
              { path: 'account', element: <AccountPage /> },
            ],
          },
        ],
      },
    ],
  },
  { path: '*', element: <NotFound /> },
];
