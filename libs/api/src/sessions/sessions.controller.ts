import { Controller, Get, Inject, Param, Query } from '@nestjs/common';
import { ApiOperation, ApiQuery, ApiTags } from '@nestjs/swagger';
import { moneyViewOfMinor, type MoneyView } from '@evcsms/billing-service';
import { getSession, listSessions, meterValuesOf, sessionBilling, type DataSource, type TransactionEntity } from '@evcsms/data-access';
import { DATABASE } from '../http/database.token';
import { RequireScope } from '../auth/api-key.guard';
import { decodeCursor, pageSize, toPage, type Page } from '../http/pagination';
import { periodParameters, UUID } from '../http/parameters';
import { badRequest, notFound } from '../http/problem';
import { ApiAnswer, ApiPageQuery, ApiPeriodQuery, ApiProblems } from '../openapi/api-contract.decorators';
import { MONEY } from '../openapi/money.schema';
import { component, dateTime, integer, nullable, pageOf, string, view } from '../openapi/schema-components';

export interface SessionView {
  readonly id: string;
  readonly stationId: string;
  readonly evseId: number;
  readonly connectorId: number;
  readonly idToken: string | null;
  readonly status: 'active' | 'completed';
  readonly startedAt: string;
  readonly endedAt: string | null;
  readonly energyWh: number;
  readonly stopReason: string | null;
  readonly flags: readonly string[];
  readonly protocol: string;
  readonly transactionId: string;
}

/** What the session costs: live while it runs (as of costAt), its standing CDR's total once it ended. */
export interface SessionCostView {
  readonly cost?: MoneyView;
  readonly currency?: string;
  readonly costAt?: string | null;
  readonly cdrId?: string | null;
  readonly tariffId?: string | null;
}

const SESSION_PROPERTIES = {
  id: { type: 'string', format: 'uuid' },
  stationId: string,
  evseId: integer,
  connectorId: integer,
  idToken: nullable(string),
  status: { type: 'string', enum: ['active', 'completed'] },
  startedAt: dateTime,
  endedAt: nullable(dateTime),
  energyWh: { type: 'number', description: 'energy delivered so far, Wh' },
  stopReason: nullable(string),
  flags: { type: 'array', items: string },
  protocol: string,
  transactionId: { type: 'string', description: "the station's transaction id" },
};
const SESSION = component('Session', view(SESSION_PROPERTIES));
const SESSION_DETAIL = component(
  'SessionDetail',
  view(
    {
      ...SESSION_PROPERTIES,
      cost: MONEY,
      currency: string,
      costAt: nullable(dateTime),
      cdrId: nullable(string),
      tariffId: nullable(string),
    },
    ['cost', 'currency', 'costAt', 'cdrId', 'tariffId'],
  ),
);
const METER_VALUES = component(
  'MeterValues',
  view({
    items: {
      type: 'array',
      items: view({
        sampledAt: dateTime,
        measurand: string,
        phase: nullable(string),
        location: nullable(string),
        context: nullable(string),
        unit: string,
        value: { type: 'number' },
      }),
    },
  }),
);

@ApiTags('sessions')
@Controller('sessions')
@RequireScope('read')
export class SessionsController {
  constructor(@Inject(DATABASE) private readonly db: DataSource) {}

  @Get()
  @ApiOperation({ summary: 'Charging sessions, newest first' })
  @ApiQuery({ name: 'stationId', required: false })
  @ApiQuery({ name: 'status', required: false, enum: ['active', 'completed'] })
  @ApiPeriodQuery('started')
  @ApiPageQuery()
  @ApiAnswer(pageOf('Session', SESSION))
  @ApiProblems(400)
  async list(
    @Query('stationId') stationId?: string,
    @Query('status') status?: string,
    @Query('from') from?: string,
    @Query('to') to?: string,
    @Query('limit') limit?: string,
    @Query('cursor') cursor?: string,
  ): Promise<Page<SessionView>> {
    if (status !== undefined && status !== 'active' && status !== 'completed') throw badRequest('status must be active or completed');
    const size = pageSize(limit);
    const after = decodeCursor<{ startedAt: string; id: string }>(cursor, ['startedAt', 'id']);
    const rows = await listSessions(this.db, {
      limit: size + 1,
      ...(stationId !== undefined ? { stationId } : {}),
      ...(status !== undefined ? { status } : {}),
      ...periodParameters(from, to),
      ...(after ? { after } : {}),
    });
    return toPage(rows, size, toView, (row) => ({ startedAt: row.startedAt.toISOString(), id: row.id }));
  }

  @Get(':id')
  @ApiOperation({
    summary: 'One session, with energy in Wh and its cost',
    description: '`cost` (Money) and `currency`: the live cost while the session runs (as of `costAt`), the total of its CDR (`cdrId`) once it ended; absent when no tariff applies.',
  })
  @ApiAnswer(SESSION_DETAIL)
  @ApiProblems(404)
  async get(@Param('id') id: string): Promise<SessionView & SessionCostView> {
    if (!UUID.test(id)) throw notFound(`session ${id}`);
    const row = await getSession(this.db, id);
    if (!row) throw notFound(`session ${id}`);
    return { ...toView(row), ...(await this.costOf(id)) };
  }

  private async costOf(sessionId: string): Promise<SessionCostView> {
    const billing = await sessionBilling(this.db, sessionId);
    if (!billing || billing.currency === null || billing.exclVat === null || billing.inclVat === null) return {};
    return {
      cost: moneyViewOfMinor(billing.exclVat, billing.inclVat, billing.currency),
      currency: billing.currency,
      costAt: billing.costAt ? new Date(billing.costAt).toISOString() : null,
      cdrId: billing.cdrId,
      tariffId: billing.tariffId,
    };
  }

  @Get(':id/meter-values')
  @ApiOperation({ summary: 'The session’s sampled values in time order' })
  @ApiQuery({ name: 'measurand', required: false, schema: { type: 'string' }, description: 'e.g. Energy.Active.Import.Register' })
  @ApiAnswer(METER_VALUES)
  @ApiProblems(404)
  async meterValues(@Param('id') id: string, @Query('measurand') measurand?: string): Promise<{ items: unknown[] }> {
    if (!UUID.test(id)) throw notFound(`session ${id}`);
    if (!(await getSession(this.db, id))) throw notFound(`session ${id}`);
    const rows = await meterValuesOf(this.db, id, measurand);
    return {
      items: rows.map((row) => ({
        sampledAt: row.sampledAt.toISOString(),
        measurand: row.measurand,
        phase: row.phase || null,
        location: row.location || null,
        context: row.context || null,
        unit: row.unit,
        value: row.value,
      })),
    };
  }
}

function toView(row: TransactionEntity): SessionView {
  return {
    id: row.id,
    stationId: row.stationId,
    evseId: row.evseId,
    connectorId: row.connectorId,
    idToken: row.idToken,
    status: row.status,
    startedAt: row.startedAt.toISOString(),
    endedAt: row.endedAt?.toISOString() ?? null,
    energyWh: Number(row.energyWh),
    stopReason: row.stopReason,
    flags: row.flags,
    protocol: row.protocol,
    transactionId: row.ocppTransactionId,
  };
}
