import { Body, Controller, Get, HttpCode, Inject, Param, Post, Query, Res } from '@nestjs/common';
import { ApiOperation, ApiParam, ApiTags } from '@nestjs/swagger';
import { findTokenByValue, getSession, type DataSource } from '@evcsms/data-access';
import type { FastifyReply } from 'fastify';
import { DATABASE } from '../http/database.token';
import { RequireScope } from '../auth/api-key.guard';
import { JsonSchemaPipe } from '../http/json-schema.pipe';
import { notFound, ProblemError } from '../http/problem';
import { ApiAnswer, ApiProblems } from '../openapi/api-contract.decorators';
import { PENDING_COMMAND } from './command.schemas';
import { CommandLimits } from './command-limits';
import { answerBody, ApiDeliveryQuery, deliveryOptions } from './command-delivery';
import { refuseOwnedSetting } from './raw-call.policy';
import { ApiPendingCommands, StationCaller } from './station-caller';
import { STATION_COMMANDS } from './station-commands';
import { withoutSecrets } from '../stations/credential-commands';

const anyBody = new JsonSchemaPipe<Record<string, unknown>>({ type: 'object' });

@ApiTags('commands')
@Controller()
export class CommandsController {
  constructor(
    @Inject(DATABASE) private readonly db: DataSource,
    private readonly station: StationCaller,
    private readonly pending: ApiPendingCommands,
    private readonly limits: CommandLimits,
  ) {}

  @Post('stations/:id/commands/:command')
  @RequireScope('operate')
  @HttpCode(200)
  @ApiOperation({
    summary: 'Send a command to a station',
    description:
      `Commands: ${Object.keys(STATION_COMMANDS).join(', ')}. Answers 200 with the station's status and payload, ` +
      '202 when queued for an offline station (queueIfOffline=true), 404 unknown station, 409 offline, 502 station CALLERROR, 504 station timeout.',
  })
  // The document publishes one operation per command, with its body (openapi/command-operations.ts).
  @ApiParam({ name: 'command', enum: Object.keys(STATION_COMMANDS) })
  @ApiDeliveryQuery()
  @ApiProblems(400, 404, 409, 429, 502, 504)
  async send(
    @Param('id') stationId: string,
    @Param('command') command: string,
    @Body(anyBody) body: Record<string, unknown>,
    @Res({ passthrough: true }) reply: FastifyReply,
    @Query('queueIfOffline') queueIfOffline?: string,
    @Query('ttlSeconds') ttlSeconds?: string,
    @Query('timeoutSeconds') timeoutSeconds?: string,
  ): Promise<Record<string, unknown>> {
    const definition = STATION_COMMANDS[command];
    if (!definition) throw new ProblemError(404, 'Not Found', `unknown command "${command}"; known: ${Object.keys(STATION_COMMANDS).join(', ')}`);
    const validBody = new JsonSchemaPipe<Record<string, unknown>>(definition.body, `${command} body`).transform(body);
    const protocol = await this.station.protocolOf(stationId);
    const call = await definition.toOcpp(validBody, {
      protocol,
      transactionIdOf: (sessionId) => this.transactionIdOf(stationId, sessionId),
      tokenTypeOf: async (idToken) => (await findTokenByValue(this.db, idToken))?.type,
    });
    refuseOwnedSetting(stationId, call.action, call.payload);
    const answer = await this.station.send(stationId, call.action, call.payload, deliveryOptions({ queueIfOffline, ttlSeconds, timeoutSeconds }, this.limits));
    return answerBody(answer, reply);
  }

  @Get('commands/:commandId')
  @RequireScope('read')
  @ApiOperation({ summary: 'Status of a command queued for an offline station' })
  @ApiAnswer(PENDING_COMMAND)
  @ApiProblems(404)
  async status(@Param('commandId') commandId: string): Promise<Record<string, unknown>> {
    const record = await this.pending.get(commandId);
    if (!record) throw notFound(`command ${commandId}`);
    // A queued password rotation carries the new password: it is never shown.
    return { ...record, payload: withoutSecrets(record.action, record.payload) };
  }

  private async transactionIdOf(stationId: string, sessionId: string): Promise<string> {
    const session = /^[0-9a-f-]{36}$/i.test(sessionId) ? await getSession(this.db, sessionId, stationId) : null;
    if (!session) throw notFound(`session ${sessionId} on station ${stationId}`);
    if (session.status !== 'active') throw new ProblemError(409, 'Conflict', `session ${sessionId} has already ended`);
    return session.ocppTransactionId;
  }
}
