import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { parseSyncConfig, resolveCredentials } from '../../src/node/credentials';
import { SesamflowError } from '../../src/errors';
import { cleanupTemp, tempDir } from './helpers';

afterEach(cleanupTemp);

describe('parseSyncConfig', () => {
  it('reads INI lines without a section, keys case-insensitive, quotes kept for the client to strip', () => {
    expect(parseSyncConfig('# comment\nNODE="datahub-x.sesam.cloud"\n\nJwt = "eyJ.a.b"\n')).toEqual({ node: '"datahub-x.sesam.cloud"', jwt: '"eyJ.a.b"' });
  });
  it('reads a JSON object', () => {
    expect(parseSyncConfig('{"NODE": "n", "jwt": "t"}')).toEqual({ node: 'n', jwt: 't' });
  });
  it('reads sections and colon delimiters like configparser', () => {
    expect(parseSyncConfig('[sesam]\nnode: n\n')).toEqual({ node: 'n' });
  });
  it('reports a malformed line with its number', () => {
    expect(() => parseSyncConfig('NODE=n\njust text\n', '/x/.syncconfig')).toThrow('/x/.syncconfig:2: expected KEY="value"');
  });
});

describe('resolveCredentials', () => {
  it('prefers flags, then NODE/JWT, then .syncconfig in a parent folder, per value', () => {
    const root = tempDir();
    const cwd = path.join(root, 'a', 'b');
    mkdirSync(cwd, { recursive: true });
    writeFileSync(path.join(root, '.syncconfig'), 'NODE="file-node"\nJWT="file-jwt"\n');
    expect(resolveCredentials({ flags: {}, env: {}, cwd })).toMatchObject({ node: '"file-node"', jwt: '"file-jwt"', nodeSource: path.join(root, '.syncconfig') });
    expect(resolveCredentials({ flags: {}, env: { JWT: 'env-jwt' }, cwd })).toMatchObject({ node: '"file-node"', jwt: 'env-jwt', jwtSource: '$JWT' });
    expect(resolveCredentials({ flags: { node: 'flag-node' }, env: { NODE: 'env-node', JWT: '' }, cwd })).toMatchObject({ node: 'flag-node', jwt: '"file-jwt"', nodeSource: '--node' });
  });

  it('the nearest .syncconfig wins', () => {
    const root = tempDir();
    const cwd = path.join(root, 'a');
    mkdirSync(cwd, { recursive: true });
    writeFileSync(path.join(root, '.syncconfig'), 'NODE=outer\nJWT=outer\n');
    writeFileSync(path.join(cwd, '.syncconfig'), '{"node": "inner", "jwt": "inner"}');
    expect(resolveCredentials({ flags: {}, env: {}, cwd })).toMatchObject({ node: 'inner', jwt: 'inner' });
  });

  it('names the three sources when something is missing (input error → exit 2)', () => {
    const cwd = tempDir();
    let error: SesamflowError | undefined;
    try {
      resolveCredentials({ flags: { node: 'n' }, env: {}, cwd });
    } catch (e) {
      error = e as SesamflowError;
    }
    expect(error?.kind).toBe('input');
    expect(error?.message).toBe('no Sesam JWT given');
    const details = error!.details.join('\n');
    expect(details).toContain('--node');
    expect(details).toContain('NODE and JWT');
    expect(details).toContain('.syncconfig');
  });
});
