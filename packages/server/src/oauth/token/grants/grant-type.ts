import type { FastifyRequest } from 'fastify';
import type { AppContext } from '../../../context.js';
import type { AppRow } from '../../../storage/repositories/apps.js';
import type { OAuthServices } from '../../services.js';
import type { TokenBody } from '../token-body.js';
import type { TokenResult } from '../token-response.js';

/** One `grant_type` of `POST /oauth/token`; the client is already authenticated. */
export interface GrantType {
  name: string;
  exchange(input: {
    ctx: AppContext;
    services: OAuthServices;
    request: FastifyRequest;
    body: TokenBody;
    client: AppRow;
  }): Promise<TokenResult>;
}
