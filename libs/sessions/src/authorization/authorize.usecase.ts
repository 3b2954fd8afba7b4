import type { AuthorizationDecision } from '../domain/authorization';
import type { UnitOfWork } from '../infrastructure/unit-of-work';
import { authorizeToken } from './authorization.service';
import type { AuthorizeCommand } from './authorize.command';

/**
 * Authorize: reads only. Expiry is judged at the time the message arrived, so a redelivery is
 * answered the same. 1.6 answers ConcurrentTx for a token that is charging anywhere.
 */
export class AuthorizeUseCase {
  async execute(uow: UnitOfWork, command: AuthorizeCommand): Promise<AuthorizationDecision> {
    return authorizeToken(uow, command.token, command.receivedAt, command.protocol === 'ocpp1.6' ? { concurrency: {} } : {});
  }
}
