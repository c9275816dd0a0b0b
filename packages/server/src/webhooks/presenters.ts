import { toSeconds } from '../lib/clock.js';
import type { WebhookAttemptRow, WebhookDeliveryRow } from '../storage/repositories/webhook-deliveries.js';
import type { WebhookEndpointRow } from '../storage/repositories/webhook-endpoints.js';

const secondsOrNull = (ms: number | null): number | null => (ms === null ? null : toSeconds(ms));

/** An endpoint as the developer sees it; the secret appears only where it was just made. */
export function presentEndpoint(endpoint: WebhookEndpointRow, now: number) {
  const rotating =
    endpoint.previous_secret_expires_at !== null && endpoint.previous_secret_expires_at > now
      ? toSeconds(endpoint.previous_secret_expires_at)
      : null;
  return {
    id: endpoint.id,
    appId: endpoint.app_id,
    url: endpoint.url,
    description: endpoint.description,
    events: JSON.parse(endpoint.events) as string[],
    status: endpoint.status as 'enabled' | 'disabled',
    disabledReason: endpoint.disabled_reason,
    disabledAt: secondsOrNull(endpoint.disabled_at),
    failingSince: secondsOrNull(endpoint.failing_since),
    previousSecretExpiresAt: rotating,
    createdAt: toSeconds(endpoint.created_at),
    updatedAt: toSeconds(endpoint.updated_at),
  };
}

export function presentAttempt(attempt: WebhookAttemptRow) {
  return {
    attemptNumber: attempt.attempt_number,
    attemptedAt: toSeconds(attempt.attempted_at),
    outcome: attempt.outcome,
    statusCode: attempt.status_code,
    latencyMs: attempt.latency_ms,
    responseExcerpt: attempt.response_excerpt,
    error: attempt.error,
  };
}

export function presentDelivery(delivery: WebhookDeliveryRow, attempts: readonly WebhookAttemptRow[]) {
  return {
    deliveryId: delivery.id,
    webhookId: delivery.event_id,
    endpointId: delivery.endpoint_id,
    eventType: delivery.event_type,
    status: delivery.status as 'pending' | 'succeeded' | 'failed',
    attemptCount: delivery.attempt_count,
    nextAttemptAt: delivery.status === 'pending' ? secondsOrNull(delivery.next_attempt_at) : null,
    createdAt: toSeconds(delivery.created_at),
    completedAt: secondsOrNull(delivery.completed_at),
    payload: JSON.parse(delivery.payload) as unknown,
    attempts: attempts.filter((a) => a.delivery_id === delivery.id).map(presentAttempt),
  };
}
