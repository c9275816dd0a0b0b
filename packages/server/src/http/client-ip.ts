import type { FastifyRequest } from 'fastify';

/** The caller's address as Fastify resolved it (honours ANTARA_TRUST_PROXY). */
export const clientIp = (request: FastifyRequest): string => request.ip || 'unknown';
