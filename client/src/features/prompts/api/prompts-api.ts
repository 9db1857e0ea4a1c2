/**
 * The prompt registry: prompts, immutable versions, labels and rendering.
 * Hand-written against the registry contract until its routes are in the OpenAPI snapshot.
 */
import { queryOptions } from '@tanstack/react-query';
import { z } from 'zod';
import { apiRequest, type Page } from '@/api/http';

export type PromptKind = 'text' | 'chat';
export type ChatRole = 'system' | 'user' | 'assistant';
export type ChatMessage = { role: ChatRole; content: string } | { role: 'placeholder'; name: string };
export type Template = string | ChatMessage[];
export type JsonObject = Record<string, unknown>;

export interface Prompt {
  id?: string;
  project_id?: string;
  name: string;
  kind: PromptKind;
  description: string;
  tags: string[];
  labels: Record<string, number>;
  latest_version: number;
  archived: boolean;
  created_at: string;
  updated_at: string;
}

export interface PromptVersion {
  number: number;
  template: Template;
  variables: JsonObject | null;
  model_config: JsonObject | null;
  commit_message: string;
  author_label: string;
  created_at: string;
  content_hash: string;
}

export interface LabelEvent {
  id?: string;
  label: string;
  from_version: number | null;
  to_version: number | null;
  actor_label: string;
  created_at: string;
}

export interface RenderResult {
  name: string;
  version: number;
  kind: PromptKind;
  text?: string | null;
  messages?: { role: string; content: string }[] | null;
}

export interface PromptFilters {
  q: string;
  tag: string;
}

const NAME = /^[a-z0-9][a-z0-9._-]{0,127}$/;
const LABEL = /^[a-z0-9][a-z0-9._-]{0,63}$/;
const TAG = /^[A-Za-z0-9][A-Za-z0-9._:/-]{0,63}$/;

export const chatMessageSchema = z.union([
  z.object({ role: z.enum(['system', 'user', 'assistant']), content: z.string() }),
  z.object({ role: z.literal('placeholder'), name: z.string().regex(/^[A-Za-z_][A-Za-z0-9_]*$/, 'Use a variable name: letters, digits and _.') }),
]);

export const templateSchema = z.union([z.string().min(1, 'The template is empty.'), z.array(chatMessageSchema).min(1, 'Add at least one message.')]);

export const versionCreateSchema = z.object({
  template: templateSchema,
  variables: z.record(z.string(), z.unknown()).nullish(),
  model_config: z.record(z.string(), z.unknown()).optional(),
  commit_message: z.string().max(2000, 'Use at most 2000 characters.').optional(),
});
export type VersionCreate = z.infer<typeof versionCreateSchema>;

export const promptCreateSchema = versionCreateSchema.extend({
  name: z.string().regex(NAME, 'Lowercase letters, digits, ".", "_" and "-"; start with a letter or digit (max 128).'),
  kind: z.enum(['text', 'chat']),
  description: z.string().max(2000).optional(),
  tags: z.array(z.string().regex(TAG, 'Tags: letters, digits and . _ : / - (max 64).')).max(20, 'Use at most 20 tags.').optional(),
});
export type PromptCreate = z.infer<typeof promptCreateSchema>;

export const labelNameSchema = z.string().regex(LABEL, 'Lowercase letters, digits, ".", "_" and "-".');

const base = (projectId: string) => `/projects/${encodeURIComponent(projectId)}/prompts`;
const one = (projectId: string, name: string) => `${base(projectId)}/${encodeURIComponent(name)}`;

export const promptKeys = {
  all: (projectId: string) => ['projects', projectId, 'prompts'] as const,
  list: (projectId: string, filters: PromptFilters) => ['projects', projectId, 'prompts', 'list', filters] as const,
  detail: (projectId: string, name: string) => ['projects', projectId, 'prompts', 'detail', name] as const,
  versions: (projectId: string, name: string) => ['projects', projectId, 'prompts', 'detail', name, 'versions'] as const,
  version: (projectId: string, name: string, n: number) => ['projects', projectId, 'prompts', 'detail', name, 'versions', n] as const,
  labelHistory: (projectId: string, name: string, label: string) => ['projects', projectId, 'prompts', 'detail', name, 'labels', label] as const,
};

export const promptsQueryOptions = (projectId: string, filters: PromptFilters) =>
  queryOptions({
    queryKey: promptKeys.list(projectId, filters),
    queryFn: ({ signal }) => apiRequest<Page<Prompt>>(base(projectId), { signal, query: { q: filters.q, tag: filters.tag, limit: 100 } }),
    placeholderData: (previous) => previous,
  });

export const promptQueryOptions = (projectId: string, name: string) =>
  queryOptions({
    queryKey: promptKeys.detail(projectId, name),
    queryFn: ({ signal }) => apiRequest<Prompt>(one(projectId, name), { signal }),
  });

export const versionsQueryOptions = (projectId: string, name: string) =>
  queryOptions({
    queryKey: promptKeys.versions(projectId, name),
    queryFn: ({ signal }) => apiRequest<Page<PromptVersion>>(`${one(projectId, name)}/versions`, { signal, query: { limit: 100 } }),
  });

export const versionQueryOptions = (projectId: string, name: string, n: number) =>
  queryOptions({
    queryKey: promptKeys.version(projectId, name, n),
    queryFn: ({ signal }) => apiRequest<PromptVersion>(`${one(projectId, name)}/versions/${n}`, { signal }),
    staleTime: Infinity, // versions are immutable
  });

export const labelHistoryQueryOptions = (projectId: string, name: string, label: string) =>
  queryOptions({
    queryKey: promptKeys.labelHistory(projectId, name, label),
    queryFn: ({ signal }) => apiRequest<Page<LabelEvent>>(`${one(projectId, name)}/labels/${encodeURIComponent(label)}/history`, { signal, query: { limit: 50 } }),
  });

export const createPrompt = (projectId: string, body: PromptCreate) =>
  apiRequest<Prompt & { version: PromptVersion }>(base(projectId), { method: 'POST', body });
export const updatePrompt = (projectId: string, name: string, body: { description?: string | null; tags?: string[]; archived?: boolean }) =>
  apiRequest<Prompt>(one(projectId, name), { method: 'PATCH', body });
export const createVersion = (projectId: string, name: string, body: VersionCreate) =>
  apiRequest<PromptVersion>(`${one(projectId, name)}/versions`, { method: 'POST', body });
export const moveLabel = (projectId: string, name: string, label: string, version: number) =>
  apiRequest<unknown>(`${one(projectId, name)}/labels/${encodeURIComponent(label)}`, { method: 'PUT', body: { version } });
export const deleteLabel = (projectId: string, name: string, label: string) =>
  apiRequest<void>(`${one(projectId, name)}/labels/${encodeURIComponent(label)}`, { method: 'DELETE' });
export const renderPrompt = (projectId: string, name: string, body: { version?: number; label?: string; variables: JsonObject }) =>
  apiRequest<RenderResult>(`${one(projectId, name)}/render`, { method: 'POST', body });
