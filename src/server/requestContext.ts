// Who made a request (an API key or a dashboard user), attached by the auth hooks and written into
// the one log line of every request: ids only, never the key, the cookie or the password.
import type { UserRole } from '../db/serveTables.ts';
import type { AuthenticatedKey } from './security/apiKeys.ts';
import type { SessionUser } from './security/users.ts';

declare module 'fastify' {
  interface FastifyRequest {
    apiKey: AuthenticatedKey | null;
    user: SessionUser | null;
  }
  interface Session {
    userId?: number;
    role?: UserRole;
    _csrf?: string;
  }
}

export {};
