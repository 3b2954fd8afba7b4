import { Inject, Injectable } from '@nestjs/common';
import { getStation, stationAdminTransaction, type DataSource } from '@evcsms/data-access';
import { hashPassword } from '@evcsms/gateway';
import { ApiCommandRouter, deliveredWithoutAnswer, StationCaller, stationRefused } from '../commands/station-caller';
import { DATABASE } from '../http/database.token';
import { notFound, ProblemError } from '../http/problem';
import { passwordAnswerStatus, setPasswordCommand } from './credential-commands';
import { usesPassword, type SecurityProfile } from './security-profile.rules';
import { generatePassword } from './station-password.policy';
import { checkedPassword } from './station-provisioning.service';

export type RotationOutcome =
  | { readonly status: 'Accepted'; readonly password?: string }
  | { readonly status: 'Queued'; readonly commandId: string; readonly password?: string };

/**
 * Password rotation without lock-out: the new hash is stored as pending BEFORE the command goes
 * out (an answer we could not record would leave the station with a password we do not know),
 * both passwords work until the station connects with the new one (the gateway then drops the
 * old), and a station that refuses the new password keeps the old one.
 */
@Injectable()
export class CredentialRotationService {
  constructor(
    @Inject(DATABASE) private readonly db: DataSource,
    private readonly caller: StationCaller,
    private readonly router: ApiCommandRouter,
  ) {}

  async rotate(stationId: string, requested: string | undefined): Promise<RotationOutcome> {
    const password = requested === undefined ? generatePassword() : checkedPassword(requested);
    const station = await getStation(this.db, stationId);
    if (!station) throw notFound(`station ${stationId}`);
    const profiles = [station.securityProfile, station.pendingSecurityProfile].filter((profile): profile is SecurityProfile => profile !== null);
    if (!profiles.some(usesPassword)) {
      throw new ProblemError(409, 'Conflict', `station ${stationId} authenticates without a password (security profile ${station.securityProfile})`);
    }
    const protocol = await this.caller.protocolOf(stationId);
    const hash = await hashPassword(password);
    await stationAdminTransaction(this.db, (store) => store.setPendingPassword(stationId, hash));
    // The pod holding the station must know the new password before the station reconnects with it.
    await this.router.credentialsChanged(stationId, { close: false }).catch(() => false);

    const command = setPasswordCommand(protocol, password);
    const generated = requested === undefined ? { password } : {};
    let answer;
    try {
      answer = await this.caller.send(stationId, command.action, command.payload, { queueIfOffline: true });
    } catch (error) {
      // A CALLERROR means the station did not take it; a timeout or a station that received it and
      // disconnected (as one does to reconnect with the new password) may have, so the pending password stays.
      if (error instanceof ProblemError && error.status === 502 && !deliveredWithoutAnswer(error)) await this.dropPending(stationId, hash);
      throw error;
    }
    if (answer.status === 'queued') return { status: 'Queued', commandId: answer.commandId, ...generated };
    const outcome = passwordAnswerStatus(protocol, answer.payload);
    if (!outcome.accepted) {
      await this.dropPending(stationId, hash);
      throw stationRefused('the new password', outcome.status);
    }
    return { status: 'Accepted', ...generated };
  }

  private async dropPending(stationId: string, hash: string): Promise<void> {
    await stationAdminTransaction(this.db, (store) => store.dropPendingPassword(stationId, hash));
    await this.router.credentialsChanged(stationId, { close: false }).catch(() => false);
  }
}
