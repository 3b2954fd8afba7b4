import type { Logger } from '@evcsms/logging';
import type { UnitOfWork } from '../infrastructure/unit-of-work';
import { authorizeToken } from './authorization.service';
import { EdgeAuthorizationRepository, type EdgeAuthorizationRecord } from './edge-authorization.repository';

/**
 * An Authorize the gateway answered itself (the service was down or slow): kept with what the
 * service decides for the token, and an edge Accepted the service would have refused is logged.
 * Sessions on it are flagged, never refused afterwards: the driver was told yes. Idempotent.
 */
export class RecordEdgeAuthorizationUseCase {
  constructor(private readonly logger: Logger) {}

  async execute(uow: UnitOfWork, record: Omit<EdgeAuthorizationRecord, 'serviceStatus'>): Promise<void> {
    const service = await authorizeToken(uow, record.token, record.receivedAt);
    const edge = new EdgeAuthorizationRepository(uow.sql);
    if (!(await edge.insert({ ...record, serviceStatus: service.status }))) return;
    if (record.decision.status !== 'Accepted') return;
    await edge.flagActiveSessions(record.stationId, record.token.idToken);
    if (service.status !== 'Accepted') {
      this.logger.warn('a token the CSMS refuses was accepted at the edge during an outage', {
        stationId: record.stationId,
        messageId: record.messageId,
        serviceStatus: service.status,
        source: record.decision.source,
      });
    }
  }
}
