import { Controller, Get, Param, Query } from '@nestjs/common';
import { ApiOperation, ApiQuery, ApiTags } from '@nestjs/swagger';
import type { ConnectionRegistry, StationLocation } from '@evcsms/registry';
import { RequireScope } from '../auth/api-key.guard';
import { pageSize, type Page } from '../http/pagination';
import { notFound } from '../http/problem';
import { ApiAnswer, ApiPageQuery, ApiProblems } from '../openapi/api-contract.decorators';
import { component, dateTime, pageOf, string, view } from '../openapi/schema-components';

const CONNECTION = component(
  'Connection',
  view({ stationId: string, podId: { type: 'string', description: 'the gateway pod holding the socket' }, connectionId: string, protocol: { type: 'string', enum: ['ocpp1.6', 'ocpp2.0.1'] }, connectedAt: dateTime }),
);

/** DI token: the registry's read side. */
export abstract class ApiRegistryReader {
  abstract list: ConnectionRegistry['list'];
  abstract lookup: ConnectionRegistry['lookup'];
}

/** Live connections from the connection registry: which gateway pod holds which station now. */
@ApiTags('connections')
@Controller('connections')
@RequireScope('read')
export class ConnectionsController {
  constructor(private readonly registry: ApiRegistryReader) {}

  @Get()
  @ApiOperation({ summary: 'Stations connected right now, with the gateway pod holding each' })
  @ApiQuery({ name: 'podId', required: false })
  @ApiPageQuery(100)
  @ApiAnswer(pageOf('Connection', CONNECTION))
  @ApiProblems(400)
  async list(@Query('podId') podId?: string, @Query('limit') limit?: string, @Query('cursor') cursor?: string): Promise<Page<StationLocation>> {
    return this.registry.list({ limit: pageSize(limit, 100), ...(cursor ? { cursor } : {}), ...(podId ? { podId } : {}) });
  }

  @Get(':stationId')
  @ApiOperation({ summary: 'Where one station is connected' })
  @ApiAnswer(CONNECTION)
  @ApiProblems(404)
  async get(@Param('stationId') stationId: string): Promise<StationLocation> {
    const location = await this.registry.lookup(stationId);
    if (!location) throw notFound(`a connection for station ${stationId}`);
    return location;
  }
}
