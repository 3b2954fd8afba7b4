import { Body, Controller, Delete, Get, HttpCode, Inject, Param, Patch, Post, Res } from '@nestjs/common';
import { ApiOperation, ApiResponse, ApiTags } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import { getStation, type DataSource } from '@evcsms/data-access';
import { RequireScope } from '../auth/api-key.guard';
import { DATABASE } from '../http/database.token';
import { JsonSchemaPipe } from '../http/json-schema.pipe';
import { notFound } from '../http/problem';
import { ApiAnswer, ApiJsonBody, ApiProblems } from '../openapi/api-contract.decorators';
import { CredentialRotationService, type RotationOutcome } from './credential-rotation.service';
import {
  CREDENTIAL_ROTATION,
  PROVISION_STATION,
  PROVISION_STATION_SCHEMA,
  PROVISIONED_STATION,
  ROTATE_CREDENTIALS,
  ROTATE_CREDENTIALS_SCHEMA,
  UPDATE_STATION,
  UPDATE_STATION_SCHEMA,
  type ProvisionStationBody,
  type RotateCredentialsBody,
  type UpdateStationBody,
} from './station-provisioning.schemas';
import { provisionedView, StationProvisioningService, type ProvisionedStationView } from './station-provisioning.service';

@ApiTags('stations')
@Controller('stations')
@RequireScope('admin')
export class StationProvisioningController {
  constructor(
    @Inject(DATABASE) private readonly db: DataSource,
    private readonly provisioning: StationProvisioningService,
    private readonly rotation: CredentialRotationService,
  ) {}

  @Post()
  @ApiOperation({
    summary: 'Provision a station: its site, security profile and password',
    description: 'The station can then connect only with that profile (and password, for 1 and 2). The password is stored as a scrypt hash and never returned.',
  })
  @ApiJsonBody(PROVISION_STATION)
  @ApiAnswer(PROVISIONED_STATION, 201)
  @ApiProblems(400, 409)
  provision(@Body(new JsonSchemaPipe<ProvisionStationBody>(PROVISION_STATION_SCHEMA)) body: ProvisionStationBody): Promise<ProvisionedStationView> {
    return this.provisioning.provision(body);
  }

  @Get(':id/provisioning')
  @RequireScope('read')
  @ApiOperation({ summary: "A station's site, tags, security profile and credential state (never the password)" })
  @ApiAnswer(PROVISIONED_STATION)
  @ApiProblems(404)
  async provisioningOf(@Param('id') stationId: string): Promise<ProvisionedStationView> {
    const station = await getStation(this.db, stationId);
    if (!station) throw notFound(`station ${stationId}`);
    return provisionedView(station);
  }

  @Patch(':id')
  @ApiOperation({
    summary: "Change a station's site, tags, vendor, model or security profile",
    description: 'A higher security profile is pending until the station connects with it (the current one keeps working until then); a lower one than reached is refused.',
  })
  @ApiJsonBody(UPDATE_STATION)
  @ApiAnswer(PROVISIONED_STATION)
  @ApiProblems(400, 404, 409)
  update(@Param('id') stationId: string, @Body(new JsonSchemaPipe<UpdateStationBody>(UPDATE_STATION_SCHEMA)) body: UpdateStationBody): Promise<ProvisionedStationView> {
    return this.provisioning.update(stationId, body);
  }

  @Delete(':id')
  @HttpCode(204)
  @ApiOperation({ summary: 'Delete a station', description: 'Its connection is closed and it can no longer connect; its sessions and CDRs stay. Provisioning the id again brings it back.' })
  @ApiResponse({ status: 204, description: 'Deleted' })
  @ApiProblems(404)
  remove(@Param('id') stationId: string): Promise<void> {
    return this.provisioning.remove(stationId);
  }

  @Post(':id/credentials/rotate')
  @HttpCode(200)
  @ApiOperation({
    summary: "Rotate a station's Basic auth password",
    description:
      'Sends the new password (generated unless given; a generated one is returned this once) with SetVariables SecurityCtrlr.BasicAuthPassword (2.0.1) or ChangeConfiguration AuthorizationKey (1.6). ' +
      'The old password keeps working until the station has connected with the new one. 200 when the station accepted it, 202 when queued for the offline station.',
  })
  @ApiJsonBody(ROTATE_CREDENTIALS, false)
  @ApiAnswer(CREDENTIAL_ROTATION)
  @ApiAnswer(CREDENTIAL_ROTATION, 202)
  @ApiProblems(400, 404, 409, 429, 502, 504)
  async rotate(
    @Param('id') stationId: string,
    @Body(new JsonSchemaPipe<RotateCredentialsBody>(ROTATE_CREDENTIALS_SCHEMA)) body: RotateCredentialsBody,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<RotationOutcome> {
    const outcome = await this.rotation.rotate(stationId, body.password);
    if (outcome.status === 'Queued') void reply.status(202);
    return outcome;
  }
}
