/**
 * The prompt registry: prompts, immutable versions, labels and rendering, on the generated SDK
 * (`prompts*` functions) and zod schemas.
 */
import { queryOptions } from '@tanstack/react-query';
import { z } from 'zod';
import {
  promptsArchive,
  promptsCreate,
  promptsCreateVersion,
  promptsGet,
  promptsGetVersion,
  promptsLabelHistory,
  promptsList,
  promptsListVersions,
  promptsMoveLabel,
  promptsRemoveLabel,
  promptsRender,
  promptsUpdate,
} from '@/api/generated/sdk.gen';
import type {
  Deployment,
  LabelEvent,
  Prompt,
  PromptCreate,
  PromptUpdate,
  RenderedPrompt,
  RenderRequest,
  Version,
  VersionCreate,
} from '@/api/generated/types.gen';
import { zPromptCreate, zPromptsMoveLabelPath, zVersionCreate } from '@/api/generated/zod.gen';
import type { FieldMessages } from '@/lib/field-errors';

export type { LabelEvent, Prompt, PromptCreate, VersionCreate };
export type PromptVersion = Version;
export type RenderResult = RenderedPrompt;
export type PromptKind = Prompt['kind'];
export type Template = Version['template'];
export type ChatMessage = Exclude<Template, string>[number];
export type ChatRole = ChatMessage['role'];
export type JsonObject = Record<string, unknown>;

export interface PromptFilters {
  q: string;
  tag: string;
  archived?: boolean;
}

const notEmpty = (value: { template: Template }, ctx: z.RefinementCtx) => {
  const empty = typeof value.template === 'string' ? value.template.trim() === '' : value.template.length === 0;
  if (empty) {
    const message = typeof value.template === 'string' ? 'The template is empty.' : 'Add at least one message.';
    ctx.addIssue({ code: 'custom', path: ['template'], message });
  }
};

/** Form validation: the generated schemas, plus "a template is not empty" (the server says so too). */
export const promptCreateSchema = zPromptCreate.superRefine(notEmpty);
export const versionCreateSchema = zVersionCreate.superRefine(notEmpty);
export const labelNameSchema = zPromptsMoveLabelPath.shape.label;

/** Wording for the generated schemas' regex failures (pass to `validate`). */
export const promptFieldMessages: FieldMessages = {
  name: 'Lowercase letters, digits, ".", "_" and "-"; start with a letter or digit (max 128).',
  tags: 'Tags: letters, digits and . _ : / - (max 64 each, at most 20).',
  'template.*.name': 'Use a variable name: letters, digits and _.',
};
export const labelNameMessage = 'Lowercase letters, digits, ".", "_" and "-"; start with a letter or digit.';

export const promptKeys = {
  all: (projectId: string) => ['projects', projectId, 'prompts'] as const,
  list: (projectId: string, filters: PromptFilters) => ['projects', projectId, 'prompts', 'list', filters] as const,
  detail: (projectId: string, name: string) => ['projects', projectId, 'prompts', 'detail', name] as const,
  versions: (projectId: string, name: string) => ['projects', projectId, 'prompts', 'detail', name, 'versions'] as const,
  version: (projectId: string, name: string, n: number) => ['projects', projectId, 'prompts', 'detail', name, 'versions', n] as const,
  labelHistory: (projectId: string, name: string, label: string) => ['projects', projectId, 'prompts', 'detail', name, 'labels', label] as const,
};

const at = (projectId: string, name: string) => ({ project_id: projectId, name });

export const promptsQueryOptions = (projectId: string, filters: PromptFilters) =>
  queryOptions({
    queryKey: promptKeys.list(projectId, filters),
    queryFn: async ({ signal }) =>
      (
        await promptsList({
          signal,
          path: { project_id: projectId },
          query: { q: filters.q || undefined, tag: filters.tag || undefined, archived: filters.archived || undefined, limit: 100 },
          throwOnError: true,
        })
      ).data,
    placeholderData: (previous) => previous,
  });

export const promptQueryOptions = (projectId: string, name: string) =>
  queryOptions({
    queryKey: promptKeys.detail(projectId, name),
    queryFn: async ({ signal }) => (await promptsGet({ signal, path: at(projectId, name), throwOnError: true })).data,
  });

export const versionsQueryOptions = (projectId: string, name: string) =>
  queryOptions({
    queryKey: promptKeys.versions(projectId, name),
    queryFn: async ({ signal }) => (await promptsListVersions({ signal, path: at(projectId, name), query: { limit: 100 }, throwOnError: true })).data,
  });

export const versionQueryOptions = (projectId: string, name: string, n: number) =>
  queryOptions({
    queryKey: promptKeys.version(projectId, name, n),
    queryFn: async ({ signal }) => (await promptsGetVersion({ signal, path: { ...at(projectId, name), number: n }, throwOnError: true })).data,
    staleTime: Infinity, // versions are immutable
  });

export const labelHistoryQueryOptions = (projectId: string, name: string, label: string) =>
  queryOptions({
    queryKey: promptKeys.labelHistory(projectId, name, label),
    queryFn: async ({ signal }) =>
      (await promptsLabelHistory({ signal, path: { ...at(projectId, name), label }, query: { limit: 50 }, throwOnError: true })).data,
  });

export const createPrompt = async (projectId: string, body: PromptCreate) =>
  (await promptsCreate({ path: { project_id: projectId }, body, throwOnError: true })).data;
export const updatePrompt = async (projectId: string, name: string, body: PromptUpdate) =>
  (await promptsUpdate({ path: at(projectId, name), body, throwOnError: true })).data;
/** Hidden from lists and resolve until restored. */
export const archivePrompt = async (projectId: string, name: string) => {
  await promptsArchive({ path: at(projectId, name), throwOnError: true });
};
export const restorePrompt = (projectId: string, name: string) => updatePrompt(projectId, name, { archived: false });
export const createVersion = async (projectId: string, name: string, body: VersionCreate) =>
  (await promptsCreateVersion({ path: at(projectId, name), body, throwOnError: true })).data;
/** What a label move did: moved at once, or (a deploy gate requiring approval) a pending deployment. */
export type MoveOutcome = { kind: 'moved' } | { kind: 'pending'; deployment: Deployment };

/** Move a label; a gate that requires approval answers 202 with the pending deployment. */
export const moveLabel = async (projectId: string, name: string, label: string, version: number): Promise<MoveOutcome> => {
  const { data, response } = await promptsMoveLabel({ path: { ...at(projectId, name), label }, body: { version }, throwOnError: true });
  return response.status === 202 ? { kind: 'pending', deployment: data as Deployment } : { kind: 'moved' };
};
export const deleteLabel = async (projectId: string, name: string, label: string) => {
  await promptsRemoveLabel({ path: { ...at(projectId, name), label }, throwOnError: true });
};
export const renderPrompt = async (projectId: string, name: string, body: RenderRequest) =>
  (await promptsRender({ path: at(projectId, name), body, throwOnError: true })).data;
