import type { WebhookDeliveryRow } from '../storage/repositories/webhook-deliveries.js';

/** A delivery of one event to one endpoint, due at once, not yet attempted. */
export function newDelivery(
  id: string,
  target: { endpointId: string; appId: string },
  event: { id: string; type: string; payload: string },
  now: number,
): WebhookDeliveryRow {
  return {
    id,
    endpoint_id: target.endpointId,
    app_id: target.appId,
    event_id: event.id,
    event_type: event.type,
    payload: event.payload,
    status: 'pending',
    attempt_count: 0,
    schedule_step: 0,
    next_attempt_at: now,
    lease_owner: null,
    lease_until: null,
    created_at: now,
    updated_at: now,
    completed_at: null,
  };
}
