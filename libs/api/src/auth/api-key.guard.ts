import { SetMetadata, type CanActivate, type ExecutionContext } from '@nestjs/common';
import type { Reflector } from '@nestjs/core';
import type { ApiScope } from '@evcsms/data-access';
import type { FastifyRequest } from 'fastify';
import { ProblemError } from '../http/problem';
import type { ApiKeysService, Caller } from './api-keys.service';

const SCOPE_KEY = 'evcsms:required-scope';

/** Every route declares the scope it needs; a route without one is refused (deny by default). */
export const RequireScope = (scope: ApiScope): MethodDecorator & ClassDecorator => SetMetadata(SCOPE_KEY, scope);

export type AuthenticatedRequest = FastifyRequest & { caller?: Caller };

export class ApiKeyGuard implements CanActivate {
  constructor(
    private readonly reflector: Reflector,
    private readonly keys: ApiKeysService,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const required = this.reflector.getAllAndOverride<ApiScope | undefined>(SCOPE_KEY, [context.getHandler(), context.getClass()]);
    if (!required) throw new ProblemError(403, 'Forbidden', 'This route has no access rule');
    const request = context.switchToHttp().getRequest<AuthenticatedRequest>();
    const match = /^Bearer\s+(\S+)\s*$/i.exec(request.headers.authorization ?? '');
    if (!match) throw new ProblemError(401, 'Unauthorized', 'Send an API key as "Authorization: Bearer <key>"');
    const caller = await this.keys.authenticate(match[1]!);
    if (!caller) throw new ProblemError(401, 'Unauthorized', 'Unknown or revoked API key');
    if (!caller.scopes.has(required)) throw new ProblemError(403, 'Forbidden', `This operation needs the "${required}" scope`);
    request.caller = caller;
    return true;
  }
}
