import { X509Certificate } from 'node:crypto';
import { mkdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { execa } from 'execa';

export interface SigningCert {
  /** PEM file the token registry trusts (`rootcertbundle`). */
  certFile: string;
  keyPem: string;
  /** Base64 DER of the certificate, the JWT header's `x5c` chain: self-signed, so it is its own root. */
  x5c: string[];
}

/** A fresh self-signed RSA key and certificate for signing registry tokens. */
export async function makeSigningCert(dir: string): Promise<SigningCert> {
  await mkdir(dir, { recursive: true });
  const certFile = join(dir, 'token-cert.pem');
  const keyFile = join(dir, 'token-key.pem');
  await execa('openssl', [
    'req',
    '-x509',
    '-newkey',
    'rsa:2048',
    '-nodes',
    '-subj',
    '/CN=pinyard-test',
    '-days',
    '2',
    '-keyout',
    keyFile,
    '-out',
    certFile,
  ]);
  const cert = new X509Certificate(await readFile(certFile));
  return { certFile, keyPem: await readFile(keyFile, 'utf8'), x5c: [cert.raw.toString('base64')] };
}
