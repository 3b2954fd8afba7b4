import { Controller, Get, Inject, Param, Query } from '@nestjs/common';
import { ApiOperation, ApiQuery, ApiTags } from '@nestjs/swagger';
import { cdrFromRow, cdrView } from '@evcsms/billing-service';
import { getCdr, listCdrs, type CdrRow, type DataSource } from '@evcsms/data-access';
import { RequireScope } from '../auth/api-key.guard';
import { DATABASE } from '../http/database.token';
import { decodeCursor, pageSize, toPage, type Page } from '../http/pagination';
import { badRequest, notFound } from '../http/problem';
import { periodParameters, UUID } from '../http/parameters';
import { ApiAnswer, ApiPageQuery, ApiPeriodQuery, ApiProblems } from '../openapi/api-contract.decorators';
import { MONEY } from '../openapi/money.schema';
import { component, dateTime, integer, nullable, pageOf, string } from '../openapi/schema-components';

const OCPI_PRICE = { type: 'object', properties: { excl_vat: { type: 'number' }, incl_vat: { type: 'number' } }, required: ['excl_vat', 'incl_vat'] };
const CDR_PROPERTIES = {
  id: string,
  sessionId: string,
  stationId: string,
  evseId: nullable(integer),
  connectorId: nullable(integer),
  currency: { type: 'string', example: 'EUR' },
  totalEnergyWh: integer,
  totalCost: MONEY,
  totalEnergyCost: MONEY,
  totalTimeCost: MONEY,
  totalParkingCost: MONEY,
  totalFixedCost: MONEY,
  priceLimitAdjustment: MONEY,
  totalTime: { type: 'number', description: 'hours' },
  totalParkingTime: { type: 'number', description: 'hours' },
  startDateTime: dateTime,
  endDateTime: dateTime,
  tokenUid: string,
  tokenGroup: nullable(string),
  credit: { type: 'boolean', description: 'a credit record cancelling creditReferenceId' },
  creditReferenceId: nullable(string),
  replacesCdrId: nullable(string),
  issuedAt: dateTime,
  tariffs: { type: 'array', items: { type: 'object', properties: { id: string, version: integer }, required: ['id', 'version'] } },
  chargingPeriods: {
    type: 'array',
    items: {
      type: 'object',
      properties: {
        start_date_time: dateTime,
        end_date_time: dateTime,
        tariff_id: string,
        tariff_version: integer,
        in_grace_period: { type: 'boolean' },
        dimensions: { type: 'array', items: { type: 'object', properties: { type: string, volume: { type: 'number' } }, required: ['type', 'volume'] } },
        cost: OCPI_PRICE,
      },
      required: ['start_date_time', 'end_date_time', 'tariff_id', 'tariff_version', 'dimensions', 'cost'],
    },
  },
};
const CDR = component('Cdr', {
  type: 'object',
  description: 'A charge detail record (OCPI 2.2.1 CDR shape): amounts as Money beside `currency`, OCPI charging periods.',
  properties: CDR_PROPERTIES,
  required: Object.keys(CDR_PROPERTIES),
});

@ApiTags('cdrs')
@Controller('cdrs')
@RequireScope('read')
export class CdrsController {
  constructor(@Inject(DATABASE) private readonly db: DataSource) {}

  @Get()
  @ApiOperation({
    summary: 'Charge detail records, newest issued first',
    description:
      'One debit per finished session; a correction adds a credit (credit: true, creditReferenceId) and a new debit (replacesCdrId). Records are never changed once issued.',
  })
  @ApiQuery({ name: 'sessionId', required: false })
  @ApiQuery({ name: 'stationId', required: false })
  @ApiPeriodQuery('issued')
  @ApiPageQuery()
  @ApiAnswer(pageOf('Cdr', CDR))
  @ApiProblems(400)
  async list(
    @Query('sessionId') sessionId?: string,
    @Query('stationId') stationId?: string,
    @Query('from') from?: string,
    @Query('to') to?: string,
    @Query('limit') limit?: string,
    @Query('cursor') cursor?: string,
  ): Promise<Page<Record<string, unknown>>> {
    if (sessionId !== undefined && !UUID.test(sessionId)) throw badRequest('sessionId must be a session id (a UUID)');
    const size = pageSize(limit);
    const after = decodeCursor<{ issuedAt: string; id: string }>(cursor, ['issuedAt', 'id']);
    if (after && !UUID.test(after.id)) throw badRequest('cursor is not one this API issued');
    const rows = await listCdrs(this.db, {
      limit: size + 1,
      ...(sessionId !== undefined ? { sessionId } : {}),
      ...(stationId !== undefined ? { stationId } : {}),
      ...periodParameters(from, to),
      ...(after ? { after } : {}),
    });
    return toPage(rows, size, view, (row) => ({ issuedAt: new Date(row.issued_at).toISOString(), id: row.id }));
  }

  @Get(':id')
  @ApiOperation({ summary: 'One CDR with its charging periods (OCPI 2.2.1 shape)' })
  @ApiAnswer(CDR)
  @ApiProblems(404)
  async get(@Param('id') id: string): Promise<Record<string, unknown>> {
    const row = UUID.test(id) ? await getCdr(this.db, id) : undefined;
    if (!row) throw notFound(`CDR ${id}`);
    return view(row);
  }
}

function view(row: CdrRow): Record<string, unknown> {
  return cdrView(cdrFromRow(row));
}
