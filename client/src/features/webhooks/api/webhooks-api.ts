/**
 * Webhooks of a project (docs/webhooks.md): list, create (the signing secret is answered once),
 * edit, delete, rotate the secret, send a test event, deliveries and redelivery.
 */
import { queryOptions } from '@tanstack/react-query';
import {
  webhooksCreate,
  webhooksDelete,
  webhooksList,
  webhooksListDeliveries,
  webhooksRedeliver,
  webhooksRotateSecret,
  webhooksTest,
  webhooksUpdate,
} from '@/api/generated/sdk.gen';
import type { Delivery, Webhook, WebhookCreate, WebhookUpdate, WebhookWithSecret } from '@/api/generated/types.gen';

export type { Delivery, Webhook, WebhookCreate, WebhookUpdate, WebhookWithSecret };
export type DeliveryStatus = Delivery['status'];

/** Every event type a webhook can subscribe to (or `*` for all of them, sent alone). */
export const EVENT_TYPES = [
  'prompt.version.created',
  'label.moved',
  'label.removed',
  'prompt.archived',
  'deployment.pending',
  'deployment.approved',
  'deployment.rejected',
  'evaluation.completed',
  'dataset.import.completed',
] as const;
export const ALL_EVENTS = '*';

export const webhookKeys = {
  all: (projectId: string) => ['projects', projectId, 'webhooks'] as const,
  list: (projectId: string) => ['projects', projectId, 'webhooks', 'list'] as const,
  deliveries: (projectId: string, webhookId: string) => ['projects', projectId, 'webhooks', 'deliveries', webhookId] as const,
};

const at = (projectId: string, webhookId: string) => ({ project_id: projectId, webhook_id: webhookId });

export const webhooksQueryOptions = (projectId: string) =>
  queryOptions({
    queryKey: webhookKeys.list(projectId),
    queryFn: async ({ signal }) => (await webhooksList({ signal, path: { project_id: projectId }, query: { limit: 100 }, throwOnError: true })).data,
  });

export const deliveriesQueryOptions = (projectId: string, webhookId: string) =>
  queryOptions({
    queryKey: webhookKeys.deliveries(projectId, webhookId),
    queryFn: async ({ signal }) =>
      (await webhooksListDeliveries({ signal, path: at(projectId, webhookId), query: { limit: 50 }, throwOnError: true })).data,
    // Retries change status on their own schedule: keep the table fresh while it is open.
    refetchInterval: 5000,
  });

export const createWebhook = async (projectId: string, body: WebhookCreate) =>
  (await webhooksCreate({ path: { project_id: projectId }, body, throwOnError: true })).data;
export const updateWebhook = async (projectId: string, webhookId: string, body: WebhookUpdate) =>
  (await webhooksUpdate({ path: at(projectId, webhookId), body, throwOnError: true })).data;
export const deleteWebhook = async (projectId: string, webhookId: string) => {
  await webhooksDelete({ path: at(projectId, webhookId), throwOnError: true });
};
export const rotateWebhookSecret = async (projectId: string, webhookId: string) =>
  (await webhooksRotateSecret({ path: at(projectId, webhookId), throwOnError: true })).data;
/** Sends a `webhook.test` event now and answers its delivery with the outcome. */
export const testWebhook = async (projectId: string, webhookId: string) => (await webhooksTest({ path: at(projectId, webhookId), throwOnError: true })).data;
export const redeliver = async (projectId: string, webhookId: string, deliveryId: string) =>
  (await webhooksRedeliver({ path: { ...at(projectId, webhookId), delivery_id: deliveryId }, throwOnError: true })).data;
