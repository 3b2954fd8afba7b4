import { CliUsageError, parseMix, parseSimulateArgs, parseSourceAddresses } from './cli-args';

describe('simulate command line', () => {
  it('reads the documented example', () => {
    const args = parseSimulateArgs(
      '--stations 200 --mix 1.6:0.9,2.0.1:0.1 --url ws://127.0.0.1:9000/ocpp --connectors 2 --meter-interval 30 --duration 60 --workers 2 --source-ips 127.0.0.2-127.0.0.9 --ground-truth gt.jsonl'.split(' '),
    );
    expect(args).toMatchObject({
      stations: 200,
      mix: [
        { protocol: 'ocpp1.6', share: 0.9 },
        { protocol: 'ocpp2.0.1', share: 0.1 },
      ],
      url: 'ws://127.0.0.1:9000/ocpp',
      connectors: 2,
      meterIntervalS: 30,
      durationS: 60,
      workers: 2,
      groundTruth: 'gt.jsonl',
      finishSessions: true,
    });
    expect(args.sourceAddresses).toHaveLength(8);
  });

  it('has defaults, and picks enough workers for the per-process file limit', () => {
    // The default endpoint is the one `npm start` listens on (OCPP_PORT 9000).
    expect(parseSimulateArgs([])).toMatchObject({ stations: 10, workers: 1, speed: 1, mix: [{ protocol: 'ocpp1.6', share: 1 }], url: 'ws://127.0.0.1:9000/ocpp' });
    expect(parseSimulateArgs(['--stations', '100000', '--source-ips', '127.0.0.2-127.0.0.20']).workers).toBe(6);
    expect(parseSimulateArgs(['--stations=5', '--keep-sessions', '--idle', '10', '--session', '30-60'])).toMatchObject({ stations: 5, finishSessions: false, idleS: [10, 10], sessionS: [30, 60] });
  });

  it('refuses what would fail at run time, saying why', () => {
    const refusal = (argv: string): string => {
      try {
        parseSimulateArgs(argv.split(' '));
      } catch (error) {
        expect(error).toBeInstanceOf(CliUsageError);
        return (error as Error).message;
      }
      throw new Error(`accepted: ${argv}`);
    };
    expect(refusal('--stations 40000 --workers 1 --source-ips 127.0.0.2-127.0.0.9')).toMatch(/per process/);
    expect(refusal('--stations 40000 --workers 4')).toMatch(/ephemeral ports/);
    expect(refusal('--stations 0')).toMatch(/--stations/);
    expect(refusal('--mix 1.5:1')).toMatch(/unknown protocol/);
    expect(refusal('--url http://x')).toMatch(/ws:\/\//);
    expect(refusal('--bogus 1')).toMatch(/unknown option --bogus/);
    expect(refusal('--api http://x')).toMatch(/go together/);
    expect(refusal('--stations')).toMatch(/needs a value/);
  });

  it('expands source address ranges across octets and lists', () => {
    expect(parseSourceAddresses('127.0.0.254-127.0.1.1,127.0.0.9')).toEqual(['127.0.0.254', '127.0.0.255', '127.0.1.0', '127.0.1.1', '127.0.0.9']);
    expect(() => parseSourceAddresses('127.0.0.9-127.0.0.2')).toThrow(CliUsageError);
    expect(parseMix('2.0.1')).toEqual([{ protocol: 'ocpp2.0.1', share: 1 }]);
  });
});
