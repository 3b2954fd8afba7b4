import { Body, Controller, Get, Inject, Param, Post, Put, Query } from '@nestjs/common';
import { ApiOperation, ApiQuery, ApiTags } from '@nestjs/swagger';
import {
  assignTariff,
  getStation,
  listTariffAssignments,
  stationTariffAssignments,
  tariffVersionsOf,
  type AssignmentTarget,
  type DataSource,
  type TariffAssignmentScope,
} from '@evcsms/data-access';
import { RequireScope } from '../auth/api-key.guard';
import { DATABASE } from '../http/database.token';
import { JsonSchemaPipe } from '../http/json-schema.pipe';
import { decodeCursor, pageSize, toPage, type Page } from '../http/pagination';
import { badRequest, notFound } from '../http/problem';
import { ApiAnswer, ApiJsonBody, ApiPageQuery, ApiProblems } from '../openapi/api-contract.decorators';
import { component, pageOf } from '../openapi/schema-components';
import { assignmentView, STATION_TARIFF, TARIFF_ASSIGNMENT, type TariffAssignmentView } from './tariff.views';

const SCOPES: TariffAssignmentScope[] = ['token-group', 'connector', 'evse', 'station', 'site', 'default'];

interface StationTariffBody {
  tariffId: string;
  effectiveFrom?: string;
}

const STATION_TARIFF_SCHEMA = {
  type: 'object',
  properties: {
    tariffId: { type: 'string', minLength: 1, maxLength: 36 },
    effectiveFrom: { type: 'string', format: 'date-time', description: 'default: now (or always, for the first tariff of the station)' },
  },
  required: ['tariffId'],
  additionalProperties: false,
};

interface AssignmentBody {
  scope: TariffAssignmentScope;
  tariffId: string;
  stationId?: string;
  evseId?: number;
  connectorId?: number;
  siteId?: string;
  tokenGroup?: string;
  effectiveFrom?: string;
  effectiveUntil?: string;
}

const ASSIGNMENT_SCHEMA = {
  type: 'object',
  properties: {
    scope: { type: 'string', enum: SCOPES, description: 'precedence: token-group at a site > token-group > connector > evse > station > site > default' },
    tariffId: { type: 'string', minLength: 1, maxLength: 36 },
    stationId: { type: 'string', minLength: 1 },
    evseId: { type: 'integer', minimum: 0 },
    connectorId: { type: 'integer', minimum: 0 },
    siteId: { type: 'string', minLength: 1 },
    tokenGroup: { type: 'string', minLength: 1, maxLength: 36 },
    effectiveFrom: { type: 'string', format: 'date-time' },
    effectiveUntil: { type: 'string', format: 'date-time' },
  },
  required: ['scope', 'tariffId'],
  additionalProperties: false,
};

/** The fields each scope needs; the others must be absent. */
const SCOPE_FIELDS: Record<TariffAssignmentScope, { required: readonly (keyof AssignmentBody)[]; optional: readonly (keyof AssignmentBody)[] }> = {
  'token-group': { required: ['tokenGroup'], optional: ['siteId'] },
  connector: { required: ['stationId', 'evseId', 'connectorId'], optional: [] },
  evse: { required: ['stationId', 'evseId'], optional: [] },
  station: { required: ['stationId'], optional: [] },
  site: { required: ['siteId'], optional: [] },
  default: { required: [], optional: [] },
};
const TARGET_FIELDS: readonly (keyof AssignmentBody)[] = ['stationId', 'evseId', 'connectorId', 'siteId', 'tokenGroup'];

@ApiTags('tariffs')
@Controller()
export class TariffAssignmentsController {
  constructor(@Inject(DATABASE) private readonly db: DataSource) {}

  @Put('stations/:id/tariff')
  @RequireScope('operate')
  @ApiOperation({
    summary: 'Assign a tariff to a station',
    description:
      'Sessions starting at or after effectiveFrom are priced with it. The station assignment it replaces ends there. Connector, EVSE and token-group assignments (POST /tariff-assignments) take precedence.',
  })
  @ApiJsonBody(component('StationTariffAssign', STATION_TARIFF_SCHEMA))
  @ApiAnswer(TARIFF_ASSIGNMENT)
  @ApiProblems(400, 404)
  async assignToStation(@Param('id') stationId: string, @Body(new JsonSchemaPipe<StationTariffBody>(STATION_TARIFF_SCHEMA)) body: StationTariffBody): Promise<TariffAssignmentView> {
    if (!(await getStation(this.db, stationId))) throw notFound(`station ${stationId}`);
    await this.requireTariff(body.tariffId);
    const target: AssignmentTarget = { scope: 'station', stationId, evseId: null, connectorId: null, siteId: null, tokenGroup: null };
    return assignmentView(await assignTariff(this.db, target, body.tariffId, optionalInstant(body.effectiveFrom, 'effectiveFrom')));
  }

  @Get('stations/:id/tariff')
  @RequireScope('read')
  @ApiOperation({ summary: 'The tariff assigned to a station now (station scope); 404 when there is none' })
  @ApiAnswer(STATION_TARIFF)
  @ApiProblems(404)
  async stationTariff(@Param('id') stationId: string): Promise<Record<string, unknown>> {
    const now = Date.now();
    const current = (await stationTariffAssignments(this.db, stationId)).find(
      (row) => (row.valid_from === null || new Date(row.valid_from).getTime() <= now) && (row.valid_until === null || new Date(row.valid_until).getTime() > now),
    );
    if (!current) throw notFound(`a tariff assignment for station ${stationId}`);
    return {
      id: current.id,
      scope: current.scope,
      stationId,
      tariffId: current.tariff_id,
      effectiveFrom: current.valid_from ? new Date(current.valid_from).toISOString() : null,
      effectiveUntil: current.valid_until ? new Date(current.valid_until).toISOString() : null,
    };
  }

  @Post('tariff-assignments')
  @RequireScope('operate')
  @ApiOperation({
    summary: 'Assign a tariff to a token group, connector, EVSE, station, site, or as the default',
    description: 'The assignment of the same target still open at effectiveFrom ends there. Resolved once per session, at its start.',
  })
  @ApiJsonBody(component('TariffAssignmentCreate', ASSIGNMENT_SCHEMA))
  @ApiAnswer(TARIFF_ASSIGNMENT, 201)
  @ApiProblems(400)
  async create(@Body(new JsonSchemaPipe<AssignmentBody>(ASSIGNMENT_SCHEMA)) body: AssignmentBody): Promise<TariffAssignmentView> {
    const fields = SCOPE_FIELDS[body.scope];
    const errors = [
      ...fields.required.filter((field) => body[field] === undefined).map((field) => ({ path: `/${field}`, message: `is required for scope ${body.scope}` })),
      ...TARGET_FIELDS.filter((field) => body[field] !== undefined && !fields.required.includes(field) && !fields.optional.includes(field)).map((field) => ({
        path: `/${field}`,
        message: `does not apply to scope ${body.scope}`,
      })),
    ];
    if (errors.length > 0) throw badRequest('The request body is invalid', { errors });
    const from = optionalInstant(body.effectiveFrom, 'effectiveFrom');
    const until = optionalInstant(body.effectiveUntil, 'effectiveUntil');
    if (from && until && until.getTime() <= from.getTime()) throw badRequest('The request body is invalid', { errors: [{ path: '/effectiveUntil', message: 'must be after effectiveFrom' }] });
    await this.requireTariff(body.tariffId);
    const target: AssignmentTarget = {
      scope: body.scope,
      stationId: body.stationId ?? null,
      evseId: body.evseId ?? null,
      connectorId: body.connectorId ?? null,
      siteId: body.siteId ?? null,
      tokenGroup: body.tokenGroup ?? null,
    };
    return assignmentView(await assignTariff(this.db, target, body.tariffId, from, until));
  }

  @Get('tariff-assignments')
  @RequireScope('read')
  @ApiOperation({ summary: 'Tariff assignments, newest first (ended ones included)' })
  @ApiQuery({ name: 'scope', required: false, enum: SCOPES })
  @ApiQuery({ name: 'stationId', required: false })
  @ApiQuery({ name: 'tariffId', required: false })
  @ApiPageQuery()
  @ApiAnswer(pageOf('TariffAssignment', TARIFF_ASSIGNMENT))
  @ApiProblems(400)
  async list(
    @Query('scope') scope?: string,
    @Query('stationId') stationId?: string,
    @Query('tariffId') tariffId?: string,
    @Query('limit') limit?: string,
    @Query('cursor') cursor?: string,
  ): Promise<Page<TariffAssignmentView>> {
    if (scope !== undefined && !SCOPES.includes(scope as TariffAssignmentScope)) throw badRequest(`scope must be one of ${SCOPES.join(', ')}`);
    const size = pageSize(limit);
    const after = decodeCursor<{ createdAt: string; id: string }>(cursor, ['createdAt', 'id']);
    const rows = await listTariffAssignments(this.db, {
      limit: size + 1,
      ...(scope !== undefined ? { scope: scope as TariffAssignmentScope } : {}),
      ...(stationId !== undefined ? { stationId } : {}),
      ...(tariffId !== undefined ? { tariffId } : {}),
      ...(after ? { after } : {}),
    });
    return toPage(rows, size, assignmentView, (row) => ({ createdAt: row.createdAt.toISOString(), id: row.id }));
  }

  private async requireTariff(tariffId: string): Promise<void> {
    if ((await tariffVersionsOf(this.db, tariffId)).length === 0) {
      throw badRequest('The request body is invalid', { errors: [{ path: '/tariffId', message: `tariff ${tariffId} does not exist` }] });
    }
  }
}

function optionalInstant(value: string | undefined, name: string): Date | null {
  if (value === undefined) return null;
  const date = new Date(value);
  if (Number.isNaN(date.getTime())) throw badRequest(`${name} must be an ISO-8601 date-time`);
  return date;
}
