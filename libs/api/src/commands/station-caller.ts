import { Inject, Injectable } from '@nestjs/common';
import { getStation, type DataSource } from '@evcsms/data-access';
import type { OcppVersion } from '@evcsms/ocpp';
import type { CommandResult } from '@evcsms/contracts';
import type { ConnectionRegistry, PendingCommandStore } from '@evcsms/registry';
import type { CommandRouter, SendCommandOptions } from '@evcsms/routing';
import { DATABASE } from '../http/database.token';
import { CommandLog } from './command-log';
import { badRequest, notFound, ProblemError, problemType } from '../http/problem';

/** DI tokens for the spine parts the API talks to. */
export abstract class ApiCommandRouter {
  abstract send: CommandRouter['send'];
  abstract credentialsChanged: CommandRouter['credentialsChanged'];
}
export abstract class ApiConnectionRegistry {
  abstract lookup: ConnectionRegistry['lookup'];
}
export abstract class ApiPendingCommands {
  abstract get: PendingCommandStore['get'];
}

export type StationAnswer = Extract<CommandResult, { status: 'result' | 'queued' }>;

/**
 * Everything the API sends to a station goes through here: the protocol the station speaks, and
 * one mapping of routing failures to HTTP problems (409 not delivered, 502 CALLERROR or delivered
 * without an answer, 504 timeout).
 */
@Injectable()
export class StationCaller {
  constructor(
    @Inject(DATABASE) private readonly db: DataSource,
    private readonly router: ApiCommandRouter,
    private readonly registry: ApiConnectionRegistry,
    private readonly commandLog: CommandLog,
  ) {}

  /** Online: the protocol it connected with; offline: the one it last used. */
  async protocolOf(stationId: string): Promise<OcppVersion> {
    const location = await this.registry.lookup(stationId);
    if (location) return location.protocol;
    const station = await getStation(this.db, stationId);
    if (!station) throw notFound(`station ${stationId}`);
    if (station.protocol !== 'ocpp1.6' && station.protocol !== 'ocpp2.0.1') {
      throw new ProblemError(409, 'Conflict', `station ${stationId} has never connected, so its protocol is unknown`);
    }
    return station.protocol;
  }

  /** The station's response payload, or 202-worthy "queued"; anything else is thrown as a problem. */
  async send(stationId: string, action: string, payload: Record<string, unknown>, options: SendCommandOptions = {}): Promise<StationAnswer> {
    const answered = this.commandLog.sent(stationId, action);
    const result = await this.router.send(stationId, action, payload, options);
    answered(result);
    switch (result.status) {
      case 'result':
      case 'queued':
        return result;
      case 'error':
        throw new ProblemError(502, 'Station Error', `the station answered ${result.errorCode}: ${result.errorDescription}`, {
          errorCode: result.errorCode,
          errorDetails: result.errorDetails,
        });
      case 'failed':
        switch (result.failure) {
          case 'offline':
          case 'connection-closed':
            throw new ProblemError(409, 'Conflict', `station ${stationId} is offline; the ${action} was not delivered, retry later`, {
              type: problemType('not-delivered'),
              delivered: false,
            });
          case 'delivered-no-answer':
            // Not safe to retry blindly: the station may have acted on it (a remote start may have happened).
            throw new ProblemError(502, 'Bad Gateway', `station ${stationId} received the ${action} and disconnected before answering; check its state before retrying`, {
              type: problemType('delivered-no-answer'),
              delivered: true,
            });
          case 'timeout':
            throw new ProblemError(504, 'Gateway Timeout', result.message);
          case 'queue-full':
            throw new ProblemError(429, 'Too Many Requests', result.message);
          case 'invalid-request':
          case 'not-supported':
            throw badRequest(result.message);
          case 'invalid-response':
            throw new ProblemError(502, 'Station Error', result.message);
        }
    }
  }

  /** For calls that make no sense to queue: the station's answer payload now, or a problem. */
  async ask(stationId: string, action: string, payload: Record<string, unknown>): Promise<Record<string, unknown>> {
    const answer = await this.send(stationId, action, payload);
    if (answer.status !== 'result') throw new Error(`${action} was queued although queueing was not asked for`);
    return answer.payload;
  }
}

/** The station received the command and disconnected before answering: it may have acted on it. */
export function deliveredWithoutAnswer(error: unknown): boolean {
  return error instanceof ProblemError && error.extensions['delivered'] === true;
}

/** 409 carrying the station's own status, for answers like Rejected, Occupied or VersionMismatch. */
export function stationRefused(what: string, status: unknown, extensions: Record<string, unknown> = {}): ProblemError {
  return new ProblemError(409, 'Conflict', `the station did not accept ${what}: ${String(status)}`, { stationStatus: status, ...extensions });
}
