import type { AuthorizationDecision } from '../domain/authorization';
import type { UnitOfWork } from '../infrastructure/unit-of-work';
import { authorizeToken } from './authorization.service';
import type { AuthorizeCommand } from './authorize.command';

/**
 * Authorize: reads only. Expiry is judged at the time the message arrived, so a redelivery is
 * answered the same. No ConcurrentTx check: 1.6 reserves that status for StartTransaction.conf
 * (7.2), and a station that lost a StopTransaction would refuse the driver at the tap.
 */
export class AuthorizeUseCase {
  async execute(uow: UnitOfWork, command: AuthorizeCommand): Promise<AuthorizationDecision> {
    return authorizeToken(uow, command.token, command.receivedAt);
  }
}
