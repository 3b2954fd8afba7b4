import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface TestPki {
  readonly caCert: string;
  readonly serverKey: string;
  readonly serverCert: string;
  /** A client certificate signed by the CA, with the given CN. */
  client(commonName: string): { key: string; cert: string };
  /** A self-signed client certificate no trusted CA issued. */
  rogueClient(commonName: string): { key: string; cert: string };
  dispose(): void;
}

/** A throwaway CA, server and client certificates made with openssl for one test file. */
export function createTestPki(): TestPki {
  const dir = mkdtempSync(join(tmpdir(), 'ocpp-pki-'));
  const path = (name: string): string => join(dir, name);
  const openssl = (...args: string[]): void => {
    execFileSync('openssl', args, { stdio: 'pipe' });
  };
  openssl('req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes', '-days', '2', '-subj', '/CN=Test CSMS CA', '-keyout', path('ca.key'), '-out', path('ca.crt'));
  const issue = (name: string, commonName: string, signed: boolean, extensions: string[] = []): { key: string; cert: string } => {
    openssl('req', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes', '-subj', `/CN=${commonName}`, '-keyout', path(`${name}.key`), '-out', path(`${name}.csr`));
    if (signed) {
      openssl('x509', '-req', '-in', path(`${name}.csr`), '-CA', path('ca.crt'), '-CAkey', path('ca.key'), '-CAcreateserial', '-days', '2', '-out', path(`${name}.crt`), ...extensions);
    } else {
      openssl('x509', '-req', '-in', path(`${name}.csr`), '-signkey', path(`${name}.key`), '-days', '2', '-out', path(`${name}.crt`));
    }
    return { key: readFileSync(path(`${name}.key`), 'utf8'), cert: readFileSync(path(`${name}.crt`), 'utf8') };
  };
  const server = issue('server', 'localhost', true, ['-extfile', writeExt(dir, 'subjectAltName=DNS:localhost,IP:127.0.0.1')]);
  let serial = 0;
  return {
    caCert: readFileSync(path('ca.crt'), 'utf8'),
    serverKey: server.key,
    serverCert: server.cert,
    client: (commonName) => issue(`client${(serial += 1)}`, commonName, true),
    rogueClient: (commonName) => issue(`rogue${(serial += 1)}`, commonName, false),
    dispose: () => rmSync(dir, { recursive: true, force: true }),
  };
}

function writeExt(dir: string, line: string): string {
  const file = join(dir, 'server.ext');
  execFileSync('sh', ['-c', `printf '%s\\n' "$1" > "$2"`, 'sh', line, file]);
  return file;
}
