import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { parseSyncConfig, resolveCredentials } from '../../src/node/credentials';
import { SesamflowError } from '../../src/errors';
import { startFakeNode } from './fake-node';
import { cleanupTemp, metadata, run, tempDir, writeProject } from './helpers';

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
  it('takes both values from the first source that has either: flags, then NODE/JWT, then .syncconfig in a parent folder', () => {
    const root = tempDir();
    const cwd = path.join(root, 'a', 'b');
    mkdirSync(cwd, { recursive: true });
    writeFileSync(path.join(root, '.syncconfig'), 'NODE="file-node"\nJWT="file-jwt"\n');
    expect(resolveCredentials({ flags: {}, env: {}, cwd })).toEqual({ node: '"file-node"', jwt: '"file-jwt"', source: path.join(root, '.syncconfig') });
    expect(resolveCredentials({ flags: {}, env: { NODE: 'env-node', JWT: 'env-jwt' }, cwd })).toEqual({ node: 'env-node', jwt: 'env-jwt', source: 'NODE and JWT environment variables' });
    expect(resolveCredentials({ flags: { node: 'flag-node', jwt: 'flag-jwt' }, env: { NODE: 'env-node', JWT: 'env-jwt' }, cwd })).toEqual({
      node: 'flag-node',
      jwt: 'flag-jwt',
      source: '--node and --jwt flags',
    });
    // Empty values count as unset, so an empty CI variable does not shadow the file.
    expect(resolveCredentials({ flags: {}, env: { NODE: '', JWT: '""' }, cwd })).toMatchObject({ source: path.join(root, '.syncconfig') });
  });

  it('never pairs a node URL from one source with a JWT from another (a planted .syncconfig gets no JWT)', () => {
    const root = tempDir();
    const cwd = path.join(root, 'project');
    mkdirSync(cwd, { recursive: true });
    writeFileSync(path.join(root, '.syncconfig'), 'NODE="https://attacker.example"\n');
    const cases: [Parameters<typeof resolveCredentials>[0], string][] = [
      [{ flags: {}, env: { JWT: 'env-jwt' }, cwd }, 'the NODE and JWT environment variables: a JWT is given but not a node URL'],
      [{ flags: { jwt: 'flag-jwt' }, env: { NODE: 'env-node', JWT: 'env-jwt' }, cwd }, 'the --node and --jwt flags: a JWT is given but not a node URL'],
      [{ flags: { node: 'flag-node' }, env: { JWT: 'env-jwt' }, cwd }, 'the --node and --jwt flags: a node URL is given but not a JWT'],
      [{ flags: {}, env: {}, cwd }, `${path.join(root, '.syncconfig')}: a node URL is given but not a JWT`],
    ];
    for (const [sources, message] of cases) {
      let error: SesamflowError | undefined;
      try {
        resolveCredentials(sources);
      } catch (e) {
        error = e as SesamflowError;
      }
      expect(error?.kind).toBe('input');
      expect(error?.message).toBe(`${message}; the node URL and the JWT must come from the same place`);
    }
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
    expect(error?.message).toBe('the --node and --jwt flags: a node URL is given but not a JWT; the node URL and the JWT must come from the same place');
    const details = error!.details.join('\n');
    expect(details).toContain('--node');
    expect(details).toContain('NODE and JWT');
    expect(details).toContain('.syncconfig');
  });
});

describe('credentials on the command line', () => {
  it('a planted .syncconfig in a parent folder gets no JWT: exit 2 and no request reaches it', async () => {
    const attacker = await startFakeNode();
    try {
      const root = tempDir();
      writeFileSync(path.join(root, '.syncconfig'), `NODE="${attacker.url}"\n`);
      const cwd = path.join(root, 'work');
      writeProject(cwd);
      const r = await run(['diff'], { cwd, env: { JWT: 'real-secret-jwt' } });
      expect(r.err).toContain('the NODE and JWT environment variables: a JWT is given but not a node URL; the node URL and the JWT must come from the same place');
      expect(r.code).toBe(2);
      expect(attacker.requests).toEqual([]);
      expect(r.err).not.toContain('real-secret-jwt');
    } finally {
      await attacker.close();
    }
  });

  it('prints where both values came from and warns on http://', async () => {
    const node = await startFakeNode({ config: [metadata] });
    try {
      const cwd = tempDir();
      writeProject(cwd, [metadata]);
      const r = await run(['status'], { cwd, env: { NODE: node.url, JWT: node.jwt } });
      expect(r.err).toContain(`node ${node.url}/api (node URL and JWT from NODE and JWT environment variables)`);
      expect(r.err).toContain('warning: the node URL uses http://: the JWT and the config travel unencrypted; use https://');
    } finally {
      await node.close();
    }
  });
});
