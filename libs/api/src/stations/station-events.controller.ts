import { Controller, Get, Inject, Param, Query } from '@nestjs/common';
import { ApiOperation, ApiParam, ApiQuery, ApiTags } from '@nestjs/swagger';
import { getStation, listStationEvents, type DataSource, type StationEventEntity } from '@evcsms/data-access';
import { RequireScope } from '../auth/api-key.guard';
import { DATABASE } from '../http/database.token';
import { decodeCursor, pageSize, toPage, type Page } from '../http/pagination';
import { periodParameters } from '../http/parameters';
import { badRequest, notFound } from '../http/problem';
import { ApiAnswer, ApiPageQuery, ApiPeriodQuery, ApiProblems } from '../openapi/api-contract.decorators';
import { component, dateTime, pageOf, string, view } from '../openapi/schema-components';

export interface StationEventView {
  readonly action: string;
  readonly protocol: string;
  /** The message's payload exactly as the station sent it. */
  readonly payload: Record<string, unknown>;
  readonly receivedAt: string;
}

const STATION_EVENT = component(
  'StationEvent',
  view({
    action: { ...string, description: 'the OCPP action, e.g. SecurityEventNotification, NotifyEvent' },
    protocol: { type: 'string', enum: ['ocpp1.6', 'ocpp2.0.1'] },
    payload: { type: 'object', additionalProperties: true, description: "the message's payload as the station sent it" },
    receivedAt: { ...dateTime, description: 'when the gateway received the message' },
  }),
);

/** An action name as OCPP spells them: letters and digits (NotifyEvent, Get15118EVCertificate). */
const ACTION = /^[A-Za-z0-9]{1,64}$/;

/**
 * What a station reported that no service owns yet (security events, firmware, diagnostics and
 * log status, 2.0.1 reports and notifications): the station event log, newest first.
 */
@ApiTags('stations')
@Controller('stations')
@RequireScope('read')
export class StationEventsController {
  constructor(@Inject(DATABASE) private readonly db: DataSource) {}

  @Get(':id/events')
  @ApiOperation({
    summary: "A station's event log, newest first",
    description:
      'Messages the station sent that no other resource holds (SecurityEventNotification, FirmwareStatusNotification, NotifyEvent, NotifyReport...), with their payload as sent. Kept for STATION_EVENTS_RETENTION_DAYS.',
  })
  @ApiParam({ name: 'id', description: 'the station id' })
  @ApiQuery({ name: 'action', required: false, schema: string, description: 'only this OCPP action' })
  @ApiPeriodQuery('received')
  @ApiPageQuery()
  @ApiAnswer(pageOf('StationEvent', STATION_EVENT))
  @ApiProblems(400, 404)
  async list(
    @Param('id') id: string,
    @Query('action') action?: string,
    @Query('from') from?: string,
    @Query('to') to?: string,
    @Query('limit') limit?: string,
    @Query('cursor') cursor?: string,
  ): Promise<Page<StationEventView>> {
    if (action !== undefined && !ACTION.test(action)) throw badRequest('action must be an OCPP action name (letters and digits)');
    const size = pageSize(limit);
    const after = decodeCursor<{ receivedAt: string; id: string }>(cursor, ['receivedAt', 'id']);
    if (after && (!/^\d{1,19}$/.test(String(after.id)) || Number.isNaN(Date.parse(after.receivedAt)))) throw badRequest('cursor is not one this API issued');
    const period = periodParameters(from, to);
    if (!(await getStation(this.db, id))) throw notFound(`station ${id}`);
    const rows = await listStationEvents(this.db, {
      stationId: id,
      limit: size + 1,
      ...(action !== undefined ? { action } : {}),
      ...period,
      ...(after ? { after } : {}),
    });
    return toPage(rows, size, toView, (row) => ({ receivedAt: row.receivedAt.toISOString(), id: row.id }));
  }
}

function toView(row: StationEventEntity): StationEventView {
  return { action: row.action, protocol: row.protocol, payload: row.payload, receivedAt: row.receivedAt.toISOString() };
}
