/** URL builders for the app's routes, so links are written in one place. */
export const paths = {
  signIn: '/sign-in',
  signUp: '/sign-up',
  project: (workspaceId: string, projectId: string) => `/w/${workspaceId}/p/${projectId}`,
  prompts: (workspaceId: string, projectId: string) => `/w/${workspaceId}/p/${projectId}/prompts`,
  newPrompt: (workspaceId: string, projectId: string) => `/w/${workspaceId}/p/${projectId}/prompts/new`,
  prompt: (workspaceId: string, projectId: string, name: string) => `/w/${workspaceId}/p/${projectId}/prompts/${encodeURIComponent(name)}`,
  datasets: (workspaceId: string, projectId: string) => `/w/${workspaceId}/p/${projectId}/datasets`,
  dataset: (workspaceId: string, projectId: string, name: string) => `/w/${workspaceId}/p/${projectId}/datasets/${encodeURIComponent(name)}`,
  evaluations: (workspaceId: string, projectId: string) => `/w/${workspaceId}/p/${projectId}/evaluations`,
  /** The new-evaluation form; `search` pre-fills it (see features/evaluations/lib/form-prefill.ts). */
  newEvaluation: (workspaceId: string, projectId: string, search?: URLSearchParams) =>
    `/w/${workspaceId}/p/${projectId}/evaluations/new${search && search.size > 0 ? `?${search.toString()}` : ''}`,
  /** "Evaluate this version": the form pre-filled with one variant running that version. */
  evaluateVersion: (workspaceId: string, projectId: string, prompt: string, version: number) =>
    `/w/${workspaceId}/p/${projectId}/evaluations/new?${new URLSearchParams({ prompt, version: String(version) }).toString()}`,
  evaluation: (workspaceId: string, projectId: string, id: string) => `/w/${workspaceId}/p/${projectId}/evaluations/${id}`,
  /** What changed from `against` (the baseline) to `id`. */
  compareEvaluations: (workspaceId: string, projectId: string, id: string, against: string) =>
    `/w/${workspaceId}/p/${projectId}/evaluations/${id}/compare?against=${encodeURIComponent(against)}`,
  /** The Deployments page; `highlight` marks one deployment (e.g. the one a move just requested). */
  deployments: (workspaceId: string, projectId: string, highlight?: string) =>
    `/w/${workspaceId}/p/${projectId}/deployments${highlight ? `?deployment=${encodeURIComponent(highlight)}` : ''}`,
  settings: (workspaceId: string, projectId: string, tab = 'members') => `/w/${workspaceId}/p/${projectId}/settings/${tab}`,
};
