// Bearer authentication of the API: no key or an unknown/revoked one is 401, a key without the
// route's scope is 403. The key itself never leaves this function (not logged, not stored).
import type { FastifyReply, FastifyRequest, preHandlerAsyncHookHandler } from 'fastify';
import type { Kysely } from 'kysely';
import type { Database } from '../../db/database.ts';
import { authenticateApiKey } from '../security/apiKeys.ts';
import type { ApiScope } from '../security/apiKeys.ts';

export function bearerToken(request: FastifyRequest): string | null {
  const header = request.headers.authorization;
  if (typeof header !== 'string') return null;
  const match = /^Bearer ([^\s]+)$/i.exec(header.trim());
  return match === null ? null : match[1];
}

function deny(reply: FastifyReply, status: 401 | 403, message: string) {
  if (status === 401) reply.header('www-authenticate', 'Bearer realm="cohortwatch"');
  return reply.code(status).send({ error: status === 401 ? 'Unauthorized' : 'Forbidden', message });
}

export function requireScope(db: Kysely<Database>, scope: ApiScope): preHandlerAsyncHookHandler {
  return async function checkKey(request, reply) {
    const token = bearerToken(request);
    if (token === null) return deny(reply, 401, 'an API key is required: Authorization: Bearer <key>');
    const key = await authenticateApiKey(db, token);
    if (key === null) return deny(reply, 401, 'the API key is not valid (unknown or revoked)');
    request.apiKey = key;
    if (!key.scopes.includes(scope)) return deny(reply, 403, `this API key lacks the scope ${scope}`);
  };
}
