import { Body, Controller, HttpCode, Param, Post, Query, Res } from '@nestjs/common';
import { ApiOperation, ApiParam, ApiTags } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import { RequireScope } from '../auth/api-key.guard';
import { JsonSchemaPipe } from '../http/json-schema.pipe';
import { ApiAnswer, ApiJsonBody, ApiProblems } from '../openapi/api-contract.decorators';
import { COMMAND_ANSWER, QUEUED_COMMAND } from './command.schemas';
import { answerBody, ApiDeliveryQuery, deliveryOptions } from './command-delivery';
import { CommandLimits } from './command-limits';
import { checkRawCall, csmsActions } from './raw-call.policy';
import { requestComponents } from './raw-ocpp.schemas';
import { StationCaller } from './station-caller';

const ACTIONS_16 = csmsActions('ocpp1.6');
const ACTIONS_201 = csmsActions('ocpp2.0.1');

// The payload is checked against the OCA schema of the action in the station's version (raw-call.policy).
const RAW_PAYLOAD = {
  type: 'object',
  additionalProperties: true,
  description: "The OCPP request payload of the action, exactly as OCPP defines it for the station's protocol version; checked against its OCA JSON schema.",
} as const;
// Published as the action request schemas of both versions: a client sees the exact payloads.
const PUBLISHED_PAYLOAD = { description: RAW_PAYLOAD.description, anyOf: [...requestComponents('ocpp1.6', ACTIONS_16), ...requestComponents('ocpp2.0.1', ACTIONS_201)] };
const anyObject = new JsonSchemaPipe<Record<string, unknown>>(RAW_PAYLOAD, 'OCPP payload');

/** Any CSMS-initiated OCPP call, for what the typed commands do not cover. */
@ApiTags('commands')
@Controller('stations/:id/ocpp')
export class RawOcppController {
  constructor(
    private readonly station: StationCaller,
    private readonly limits: CommandLimits,
  ) {}

  @Post(':action')
  @RequireScope('operate')
  @HttpCode(200)
  @ApiOperation({
    summary: 'Send any CSMS-initiated OCPP call to a station',
    description:
      "The body is the action's OCPP request payload, validated against the OCA schema of the station's protocol version (400 with the schema paths; nothing is sent). " +
      "The station's answer is validated too (502 when it does not match its schema). " +
      `OCPP 1.6: ${ACTIONS_16.join(', ')}. OCPP 2.0.1: ${ACTIONS_201.join(', ')}. ` +
      'Refused with 400: an action the station sends, one its version does not have, a TriggerMessage whose message this CSMS refuses, ' +
      'and the password and security profile (1.6 AuthorizationKey / SecurityProfile, 2.0.1 SecurityCtrlr.BasicAuthPassword / SecurityProfile), ' +
      'which are changed with POST /stations/{id}/credentials/rotate and PATCH /stations/{id} so the CSMS keeps them in step. ' +
      "200 with the station's answer; 202 queued for an offline station (queueIfOffline=true); 404 unknown station; 409 offline; 429 its command queue is full; 502 CALLERROR; 504 no answer in time.",
  })
  @ApiParam({ name: 'action', description: 'the OCPP action, CSMS-initiated in the station’s version', schema: { type: 'string', enum: [...new Set([...ACTIONS_16, ...ACTIONS_201])].sort() } })
  @ApiJsonBody(PUBLISHED_PAYLOAD)
  @ApiDeliveryQuery()
  @ApiAnswer(COMMAND_ANSWER, 200, "The station's answer")
  @ApiAnswer(QUEUED_COMMAND, 202, 'Queued for the offline station (queueIfOffline=true)')
  @ApiProblems(400, 404, 409, 429, 502, 504)
  async call(
    @Param('id') stationId: string,
    @Param('action') action: string,
    @Body(anyObject) payload: Record<string, unknown>,
    @Res({ passthrough: true }) reply: FastifyReply,
    @Query('queueIfOffline') queueIfOffline?: string,
    @Query('ttlSeconds') ttlSeconds?: string,
    @Query('timeoutSeconds') timeoutSeconds?: string,
  ): Promise<Record<string, unknown>> {
    const options = deliveryOptions({ queueIfOffline, ttlSeconds, timeoutSeconds }, this.limits);
    checkRawCall(stationId, await this.station.protocolOf(stationId), action, payload);
    return answerBody(await this.station.send(stationId, action, payload, options), reply);
  }
}
