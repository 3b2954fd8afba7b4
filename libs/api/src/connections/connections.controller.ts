import { Controller, Get, Param, Query } from '@nestjs/common';
import { ApiOperation, ApiQuery, ApiTags } from '@nestjs/swagger';
import type { ConnectionRegistry, StationLocation } from '@evcsms/registry';
import { RequireScope } from '../auth/api-key.guard';
import { pageSize, type Page } from '../http/pagination';
import { notFound } from '../http/problem';

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
  @ApiQuery({ name: 'limit', required: false })
  @ApiQuery({ name: 'cursor', required: false })
  async list(@Query('podId') podId?: string, @Query('limit') limit?: string, @Query('cursor') cursor?: string): Promise<Page<StationLocation>> {
    return this.registry.list({ limit: pageSize(limit, 100), ...(cursor ? { cursor } : {}), ...(podId ? { podId } : {}) });
  }

  @Get(':stationId')
  @ApiOperation({ summary: 'Where one station is connected' })
  async get(@Param('stationId') stationId: string): Promise<StationLocation> {
    const location = await this.registry.lookup(stationId);
    if (!location) throw notFound(`a connection for station ${stationId}`);
    return location;
  }
}
