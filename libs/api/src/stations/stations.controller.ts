import { Controller, Get, Inject, Param, Query } from '@nestjs/common';
import { ApiOperation, ApiQuery, ApiTags } from '@nestjs/swagger';
import { connectorsOf, getStation, listStations, type ConnectorEntity, type DataSource, type StationEntity } from '@evcsms/data-access';
import { DATABASE } from '../http/database.token';
import { RequireScope } from '../auth/api-key.guard';
import { decodeCursor, pageSize, toPage, type Page } from '../http/pagination';
import { flagParameter } from '../http/parameters';
import { notFound } from '../http/problem';
import { stationCondition } from './station-filter';
import { ApiAnswer, ApiPageQuery, ApiProblems } from '../openapi/api-contract.decorators';
import { component, dateTime, integer, nullable, pageOf, string, view } from '../openapi/schema-components';

export interface StationView {
  readonly id: string;
  readonly protocol: string | null;
  readonly online: boolean;
  readonly vendor: string | null;
  readonly model: string | null;
  readonly serialNumber: string | null;
  readonly firmwareVersion: string | null;
  readonly registrationStatus: string | null;
  readonly lastBootAt: string | null;
  readonly lastSeenAt: string | null;
  readonly connectors: ReadonlyArray<{ evseId: number; connectorId: number; status: string; ocppStatus: string; errorCode: string | null; statusAt: string }>;
}

const STATION = component(
  'Station',
  view({
    id: string,
    protocol: { type: 'string', enum: ['ocpp1.6', 'ocpp2.0.1'], nullable: true, description: 'null until it first connected' },
    online: { type: 'boolean' },
    vendor: nullable(string),
    model: nullable(string),
    serialNumber: nullable(string),
    firmwareVersion: nullable(string),
    registrationStatus: nullable(string),
    lastBootAt: nullable(dateTime),
    lastSeenAt: nullable(dateTime),
    connectors: {
      type: 'array',
      items: view({ evseId: integer, connectorId: integer, status: string, ocppStatus: string, errorCode: nullable(string), statusAt: dateTime }),
    },
  }),
);

@ApiTags('stations')
@Controller('stations')
@RequireScope('read')
export class StationsController {
  constructor(@Inject(DATABASE) private readonly db: DataSource) {}

  @Get()
  @ApiOperation({ summary: 'List stations with their online flag, protocol and connector statuses' })
  @ApiPageQuery()
  @ApiQuery({ name: 'online', required: false, enum: ['true', 'false'] })
  @ApiQuery({ name: 'selector', required: false, description: 'e.g. `site=depot-north,tag=dc|fast,model!=AC22` (keys: site, tag, model, vendor, protocol; see docs/stations.md)' })
  @ApiQuery({ name: 'siteId', required: false })
  @ApiQuery({ name: 'tag', required: false })
  @ApiQuery({ name: 'model', required: false })
  @ApiAnswer(pageOf('Station', STATION))
  @ApiProblems(400)
  async list(
    @Query('limit') limit?: string,
    @Query('cursor') cursor?: string,
    @Query('online') online?: string,
    @Query('selector') selector?: string,
    @Query('siteId') siteId?: string,
    @Query('tag') tag?: string,
    @Query('model') model?: string,
  ): Promise<Page<StationView>> {
    const size = pageSize(limit);
    const after = decodeCursor<{ id: string }>(cursor, ['id']);
    const condition = stationCondition({ selector, siteId, tag, model });
    const stations = await listStations(this.db, {
      limit: size + 1,
      ...(after ? { afterId: after.id } : {}),
      ...(online === undefined ? {} : { online: flagParameter(online, 'online')! }),
      ...(condition ? { condition } : {}),
    });
    const connectors = await connectorsOf(this.db, stations.slice(0, size).map((station) => station.id));
    return toPage(stations, size, (station) => toView(station, connectors.get(station.id) ?? []), (station) => ({ id: station.id }));
  }

  @Get(':id')
  @ApiOperation({ summary: 'One station' })
  @ApiAnswer(STATION)
  @ApiProblems(400, 404)
  async get(@Param('id') id: string): Promise<StationView> {
    const station = await getStation(this.db, id);
    if (!station) throw notFound(`station ${id}`);
    return toView(station, (await connectorsOf(this.db, [id])).get(id) ?? []);
  }
}

function toView(station: StationEntity, connectors: ConnectorEntity[]): StationView {
  return {
    id: station.id,
    protocol: station.protocol,
    online: station.online,
    vendor: station.vendor,
    model: station.model,
    serialNumber: station.serialNumber,
    firmwareVersion: station.firmwareVersion,
    registrationStatus: station.registrationStatus,
    lastBootAt: station.lastBootAt?.toISOString() ?? null,
    lastSeenAt: station.lastSeenAt?.toISOString() ?? null,
    connectors: connectors.map((connector) => ({
      evseId: connector.evseId,
      connectorId: connector.connectorId,
      status: connector.status,
      ocppStatus: connector.ocppStatus,
      errorCode: connector.errorCode,
      statusAt: connector.statusAt.toISOString(),
    })),
  };
}
