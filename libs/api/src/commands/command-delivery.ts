import { applyDecorators } from '@nestjs/common';
import { ApiQuery } from '@nestjs/swagger';
import type { SendCommandOptions } from '@evcsms/routing';
import type { FastifyReply } from 'fastify';
import { flagParameter } from '../http/parameters';
import { type CommandLimits, MAX_TTL_SECONDS, timeoutSecondsParameter, ttlSecondsParameter } from './command-limits';
import type { StationAnswer } from './station-caller';

/** The query parameters every command route reads, as given. */
export interface DeliveryQuery {
  readonly queueIfOffline?: string;
  readonly ttlSeconds?: string;
  readonly timeoutSeconds?: string;
}

/** `queueIfOffline`, `ttlSeconds`, `timeoutSeconds` within their bounds (400 otherwise). */
export function deliveryOptions(query: DeliveryQuery, limits: CommandLimits): SendCommandOptions {
  return {
    queueIfOffline: flagParameter(query.queueIfOffline, 'queueIfOffline') ?? false,
    ttlMs: ttlSecondsParameter(query.ttlSeconds) * 1000,
    timeoutMs: timeoutSecondsParameter(query.timeoutSeconds, limits) * 1000,
  };
}

/** 200 CommandAnswer with the station's answer, or 202 QueuedCommand. */
export function answerBody(answer: StationAnswer, reply: FastifyReply): Record<string, unknown> {
  if (answer.status === 'queued') {
    void reply.status(202);
    return { commandId: answer.commandId, status: 'Queued', expiresAt: answer.expiresAt };
  }
  return { status: typeof answer.payload['status'] === 'string' ? answer.payload['status'] : 'Accepted', response: answer.payload };
}

/** The OpenAPI declaration of the three delivery parameters. */
export function ApiDeliveryQuery(): MethodDecorator {
  return applyDecorators(
    ApiQuery({ name: 'queueIfOffline', required: false, schema: { type: 'string', enum: ['true', 'false'] }, description: 'queue the command if the station is offline (202)' }),
    ApiQuery({ name: 'ttlSeconds', required: false, schema: { type: 'integer', minimum: 1, maximum: MAX_TTL_SECONDS, default: 86_400 }, description: 'how long a queued command waits for the station: 1 s to 30 days' }),
    ApiQuery({
      name: 'timeoutSeconds',
      required: false,
      schema: { type: 'integer', minimum: 1, default: 30 },
      description:
        "how long to wait for the station's answer: 1 s up to the gateway call timeout (OCPP_CALL_TIMEOUT_MS, 30 s by default; the default is that timeout, at most 30 s). " +
        "More is refused with 400: the station's one outbound call slot is held no longer, and a command still queued behind another when its time is up is never sent.",
    }),
  );
}
