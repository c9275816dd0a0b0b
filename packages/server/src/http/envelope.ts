import type { Meta } from '@antara/protocol';
import type { FastifyRequest } from 'fastify';
import { type TSchema, Type } from 'typebox';
import type { Clock } from '../lib/clock.js';

/** `{ data, meta }` for a success response (CONTRACT §3). */
export function ok<T>(
  request: FastifyRequest,
  clock: Clock,
  data: T,
  extra: Partial<Meta> = {},
): { data: T; meta: Meta } {
  return { data, meta: { requestId: request.id, issuedAt: Math.floor(clock.now() / 1000), ...extra } };
}

export const MetaSchema = Type.Object({
  requestId: Type.String(),
  issuedAt: Type.Integer(),
  nextCursor: Type.Optional(Type.Union([Type.String(), Type.Null()])),
});

/** Response schema of a success envelope around `data`. */
export const Envelope = <T extends TSchema>(data: T) => Type.Object({ data, meta: MetaSchema });

export const ErrorSchema = Type.Object({
  error: Type.Object({ code: Type.String(), message: Type.String(), details: Type.Optional(Type.Unknown()) }),
  requestId: Type.String(),
  retryAfter: Type.Optional(Type.Integer()),
});

/** Declares the envelope for 2xx and the error envelope for the usual failures. */
export function responses<T extends TSchema>(status: number, data: T) {
  return {
    [status]: Envelope(data),
    '4xx': ErrorSchema,
    '5xx': ErrorSchema,
  };
}
