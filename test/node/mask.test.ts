// One masking policy for every command that prints config or env: diff, status --diff, errors.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { MASK, maskEnv, maskJson, maskJsonText, maskText } from '../../src/node/mask';
import { formatJson } from '../../src/sesam/format';
import type { JsonObject } from '../../src/sesam/project';
import { startFakeNode, type FakeNode } from './fake-node';
import { cleanupTemp, collect, metadata, run, system, tempDir, writeProject, useInstantSleeps } from './helpers';

const JWT = 'eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJ4In0.c2lnbmF0dXJl';
/** Every literal secret planted below; none may appear in any output. */
const SECRETS = ['sub-key-LITERAL-1', 'client-secret-LITERAL-2', 'url-pass-LITERAL-3', 'db-pass-LITERAL-4', 'conn-pass-LITERAL-5', 'basic-LITERAL-6', 'query-key-LITERAL-7', JWT];

/** The node's system: literal secrets where a careless config puts them. */
const nodeSystem: JsonObject = {
  ...system,
  headers: { 'Ocp-Apim-Subscription-Key': 'sub-key-LITERAL-1', Authorization: 'Basic basic-LITERAL-6' },
  oauth2: { client_id: 'my-client', client_secret: 'client-secret-LITERAL-2', token_url: 'https://login.example/token' },
  url_pattern: 'https://svc:url-pass-LITERAL-3@api.example/%s?api_key=query-key-LITERAL-7',
  jwt_token: JWT,
};
const nodeEnv: JsonObject = { 'node-env': 'test', 'db-pass': 'db-pass-LITERAL-4', 'db-url': 'Server=db;User Id=app;Password=conn-pass-LITERAL-5;', 'api-url': 'https://a.example' };

const expectNoSecrets = (text: string) => {
  for (const secret of SECRETS) expect(text).not.toContain(secret);
};

describe('the masking policy', () => {
  it('masks by key name (nested too), keeps references and ordinary values', () => {
    const masked = maskJson(nodeSystem) as JsonObject;
    expectNoSecrets(JSON.stringify(masked));
    expect(masked.headers).toEqual({ 'Ocp-Apim-Subscription-Key': MASK, Authorization: MASK });
    expect(masked.oauth2).toEqual({ client_id: 'my-client', client_secret: MASK, token_url: 'https://login.example/token' });
    expect(masked.url_pattern).toBe(`https://svc:${MASK}@api.example/%s?api_key=${MASK}`);
    expect(masked.jwt_token).toBe(MASK);
    expect(maskJson({ headers: { Authorization: 'Bearer $SECRET(token)', 'X-Api-Key': '$SECRET(k)' }, password: '$ENV(pw)' })).toEqual({
      headers: { Authorization: 'Bearer $SECRET(token)', 'X-Api-Key': '$SECRET(k)' },
      password: '$ENV(pw)',
    });
    expect(maskJson({ secrets: { nested: ['a', 1, { x: 'y' }] } })).toEqual({ secrets: { nested: [MASK, MASK, { x: MASK }] } });
  });

  it('masks env vars by name and by value shape', () => {
    expect(maskEnv(nodeEnv)).toEqual({ 'node-env': 'test', 'db-pass': MASK, 'db-url': `Server=db;User Id=app;Password=${MASK};`, 'api-url': 'https://a.example' });
  });

  it('masks free text: JWTs, schemes, secret header pairs, URL passwords, known values', () => {
    const text = maskText(
      `Authorization: Bearer ${JWT}\nOcp-Apim-Subscription-Key: sub-key-LITERAL-1\n{"client_secret": "client-secret-LITERAL-2"} postgres://u:url-pass-LITERAL-3@h/x basic-LITERAL-6`,
      ['basic-LITERAL-6'],
    );
    expectNoSecrets(text);
    expect(text).toContain('Authorization: Bearer ******');
    expect(text).toContain('postgres://u:******@h/x');
  });

  it('masks JSON text in place, keeping its layout', () => {
    const text = formatJson(nodeSystem);
    const masked = maskJsonText(text);
    expectNoSecrets(masked);
    expect(masked.split('\n')).toHaveLength(text.split('\n').length);
    expect(maskJsonText('{"password": 12345, "a": [1, "x"]}')).toBe('{"password": "******", "a": [1, "x"]}');
  });
});

describe('commands print no secrets', () => {
  let node: FakeNode;
  let cwd: string;
  let env: Record<string, string>;
  useInstantSleeps();
  beforeEach(async () => {
    node = await startFakeNode({ config: [metadata, nodeSystem, collect], env: nodeEnv });
    cwd = tempDir();
    writeProject(cwd, [metadata, system, collect], { test: { 'node-env': 'test', 'db-pass': 'other-local-pass', 'db-url': 'Server=db;Password=$SECRET(x)', 'api-url': 'https://b.example' } });
    env = { NODE: node.url, JWT: node.jwt };
  });
  afterEach(async () => {
    await node.close();
    cleanupTemp();
  });

  it('diff and diff --json (what a PR job prints against prod)', async () => {
    const text = await run(['diff', '--verbose'], { cwd, env });
    expect(text.code).toBe(0);
    expectNoSecrets(text.out + text.err);
    expect(text.out).not.toContain('other-local-pass');
    expect(text.out).toContain('Ocp-Apim-Subscription-Key: "******"');
    expect(text.out).toContain('[~] db-pass: "******" → "******"');
    const json = await run(['diff', '--json'], { cwd, env });
    expectNoSecrets(json.out);
    expect(JSON.parse(json.out).env).toContainEqual({ name: 'db-url', change: 'changed', before: 'Server=db;User Id=app;Password=******;', after: 'Server=db;Password=$SECRET(x)', masked: true });
  });

  it('status --diff (text and --json)', async () => {
    const text = await run(['status', '--diff'], { cwd, env });
    expect(text.code).toBe(1);
    expect(text.out).toContain('systems/poweroffice.conf.json: differs from the node');
    expect(text.out).toContain('"client_secret": "******"');
    expectNoSecrets(text.out + text.err);
    expect(text.out).not.toContain('other-local-pass');
    const json = await run(['status', '--diff', '--json'], { cwd, env });
    expectNoSecrets(json.out);
  });

  it('upload --dry-run shows the same masked diff', async () => {
    const r = await run(['upload', '--dry-run'], { cwd, env });
    expect(r.code).toBe(0);
    expectNoSecrets(r.out + r.err);
  });
});
