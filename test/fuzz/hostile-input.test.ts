// Fuzzing the commands that read user files: `validate`, `format`, `dtl` and scenario parsing get
// arbitrary bytes and arbitrary JSON/YAML (deep nesting, prototype names, transit strings, DTL
// calls of every function). Whatever comes in: no crash, no "internal error", and every failure
// is exit 1 or 2 with a message that says where (file, line:column or JSON path).
// Seeds are fixed, so a run is reproducible; a failure prints the seed and the counterexample.
import { mkdir, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import fc from 'fast-check';
import { stringify as yamlStringify } from 'yaml';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DTL_FUNCTIONS } from '../../src/dtl/registry';
import { SesamflowError } from '../../src/errors';
import { parseScenario } from '../../src/simulate/scenario/parse';
import { removeTempDirs, runCli, tempDir } from '../helpers/cli';

let dir = '';
beforeAll(async () => {
  dir = await tempDir('sesamflow-fuzz-');
});
afterAll(removeTempDirs);

const RUNS = 120;
const PROTO_NAMES = ['__proto__', 'constructor', 'toString', 'hasOwnProperty', 'valueOf'];

const key = fc.oneof(fc.string({ maxLength: 8 }), fc.constantFrom(...PROTO_NAMES, '_id', 'type', 'source', 'sink', 'transform', 'rules', 'default', '$ENV(x)'));
const scalar = fc.oneof(
  fc.string({ maxLength: 12 }),
  fc.constantFrom('~f1.5', '~t2020-01-01T00:00:00Z', '~:ns:x', '~rhttp://x/', '~bYWJj', '~u00000000-0000-4000-8000-000000000001', '$ENV(a)', '$SECRET(b)', '{{@ system @}}', '_S.a', '_S.', '_.', '_T.a'),
  fc.integer(),
  fc.constantFrom(2147483647, 1e9, 100000, -2147483648, 9007199254740993, '1e999999999', `0x${'f'.repeat(40)}`),
  fc.double({ noNaN: true, noDefaultInfinity: true }),
  fc.boolean(),
  fc.constant(null),
);
/** JSON values with prototype names as keys and Sesam-ish strings. */
const json = fc.letrec((tie) => ({
  value: fc.oneof({ depthSize: 'small' }, scalar, fc.array(tie('value'), { maxLength: 4 }), fc.dictionary(key, tie('value'), { maxKeys: 4 })),
})).value;
/** Deeply nested text: arrays or objects, deeper than any JSON reader should recurse into. */
const deepText = fc.tuple(fc.integer({ min: 900, max: 120_000 }), fc.boolean()).map(([depth, objects]) =>
  objects ? `${'{"a":'.repeat(depth)}1${'}'.repeat(depth)}` : `${'['.repeat(depth)}${']'.repeat(depth)}`,
);
const bytes = fc.oneof(fc.uint8Array({ maxLength: 200 }), fc.string({ maxLength: 200 }).map((s) => new TextEncoder().encode(s)));
const fileContent = fc.oneof(
  bytes,
  json.map((v) => JSON.stringify(v)),
  deepText,
  json.map((v) => `\ufeff${JSON.stringify(v)}`),
);

/** A pipe-shaped entity with arbitrary parts, so the semantic rules get past the first checks. */
const pipeLike = fc.record({
  _id: fc.oneof(fc.string({ maxLength: 6 }), fc.constantFrom(...PROTO_NAMES)),
  type: fc.constantFrom('pipe', 'system:rest', 'metadata', 'system:url'),
  source: fc.oneof(json, fc.record({ type: fc.constantFrom('dataset', 'merge', 'conditional', 'rest', 'embedded'), dataset: scalar, datasets: json, alternatives: json, condition: scalar })),
  transform: fc.oneof(json, fc.record({ type: fc.constantFrom('dtl', 'template', 'chained'), rules: json, transforms: json, properties: json })),
  sink: fc.oneof(json, fc.record({ type: scalar, dataset: scalar })),
  operations: json,
});

/** A DTL expression built from the function registry with the documented argument counts. */
const expressionSpecs = [...DTL_FUNCTIONS.values()].filter((s) => s.expression && !s.name.endsWith('!'));
const dtlExpr = fc.letrec((tie) => ({
  expr: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    scalar,
    fc.constantFrom(...expressionSpecs).chain((spec) =>
      fc.array(tie('expr'), { minLength: spec.expression!.min, maxLength: Math.min(spec.expression!.max, spec.expression!.min + 2) }).map((args) => [spec.name, ...args]),
    ),
    fc.dictionary(key, tie('expr'), { maxKeys: 2 }),
  ),
})).expr;
const dtlRules = fc.oneof(
  fc.array(dtlExpr, { minLength: 1, maxLength: 4 }).map((exprs) => ({ default: [['copy', '*'], ...exprs.map((e, i) => ['add', `x${i}`, e])] })),
  json,
);

/** Exit code and messages of a run: 0-2 only, never an internal error or a stack trace. */
function expectHandled(run: { code: number; out: string; err: string }): void {
  expect([0, 1, 2]).toContain(run.code);
  expect(run.err).not.toContain('internal error');
  expect(run.err).not.toMatch(/\n\s+at /);
}

describe('validate with hostile input', () => {
  it('arbitrary bytes and JSON in config and env files: problems are located, never a crash', async () => {
    const project = path.join(dir, 'validate');
    await fc.assert(
      fc.asyncProperty(fileContent, fc.oneof(fileContent, pipeLike.map((p) => JSON.stringify(p))), fileContent, async (metadata, pipe, env) => {
        await rm(project, { recursive: true, force: true });
        await mkdir(path.join(project, 'pipes'), { recursive: true });
        await writeFile(path.join(project, 'node-metadata.conf.json'), metadata);
        await writeFile(path.join(project, 'pipes', 'p.conf.json'), pipe);
        await writeFile(path.join(project, 'test-env.json'), env);
        const run = await runCli(['validate', project]);
        expectHandled(run);
        if (run.code === 2) expect(run.err).toContain(project);
        for (const line of run.out.split('\n').filter(Boolean))
          expect(line).toMatch(/^(error|warning) (node-metadata\.conf\.json|pipes\/p\.conf\.json|test-env\.json)( \(_id .*\))? \$.*?: .+ \[[\w-]+\]$/s);
      }),
      { numRuns: RUNS, seed: 1101 },
    );
  });

  it('arbitrary connector manifests and templates: located problems, never a crash', async () => {
    const connector = path.join(dir, 'connector');
    const template = fc.oneof(fileContent, fc.array(pipeLike).map((p) => JSON.stringify(p).replace(/"x/g, '"{{@ system @}}')), fc.constantFrom('{"_id": "{{@ a | b @}}", "type": "pipe"}', '{{% if x %}}'));
    const manifest = fc.oneof(
      fileContent,
      fc.record({ 'system-template': fc.oneof(scalar, fc.constantFrom('templates/t.json', '../t.json', '/etc/hostname')), datatypes: fc.oneof(json, fc.dictionary(key, fc.record({ template: fc.constantFrom('templates/t.json', 'templates/missing.json'), parameters: json, parent: scalar }), { maxKeys: 3 })), additional_parameters: json, use_webhook_secret: fc.boolean() }).map((m) => JSON.stringify(m)),
    );
    await fc.assert(
      fc.asyncProperty(manifest, template, async (m, t) => {
        await rm(connector, { recursive: true, force: true });
        await mkdir(path.join(connector, 'templates'), { recursive: true });
        await writeFile(path.join(connector, 'manifest.json'), m);
        await writeFile(path.join(connector, 'templates', 't.json'), t);
        const run = await runCli(['validate', connector]);
        expectHandled(run);
        for (const line of run.out.split('\n').filter(Boolean)) expect(line).toMatch(/^(error|warning) \S+( \(_id .*\))? \$.*?: .+ \[[\w-]+\]$/s);
      }),
      { numRuns: RUNS, seed: 1102 },
    );
  });
});

describe('format with hostile input', () => {
  it('arbitrary bytes and JSON: rewritten, or exit 2 naming the file (with line:column for JSON errors)', async () => {
    const file = path.join(dir, 'f.conf.json');
    await fc.assert(
      fc.asyncProperty(fileContent, async (content) => {
        await writeFile(file, content);
        const run = await runCli(['format', file], dir);
        expectHandled(run);
        expect(run.code).not.toBe(1);
        if (run.code === 2) expect(run.err).toMatch(/\n {2}f\.conf\.json(:\d+:\d+)?: /);
      }),
      { numRuns: RUNS, seed: 1103 },
    );
  });
});

describe('dtl with hostile input', () => {
  it('arbitrary rules (DTL calls of every function) and entities: output, or exit 1/2 naming the file or JSON path', async () => {
    const rules = path.join(dir, 'rules.json');
    const input = path.join(dir, 'in.json');
    const entities = fc.oneof(
      fc.array(fc.dictionary(key, json, { maxKeys: 4 }).map((e) => ({ _id: 'e', ...e })), { maxLength: 3 }).map((es) => JSON.stringify(es)),
      fileContent,
    );
    await fc.assert(
      fc.asyncProperty(fc.oneof(dtlRules.map((r) => JSON.stringify(r)), fileContent), entities, async (r, i) => {
        await writeFile(rules, r);
        await writeFile(input, i);
        const run = await runCli(['dtl', '--rules', 'rules.json', '--input', 'in.json', '--now', '2030-01-01T00:00:00Z'], dir);
        expectHandled(run);
        if (run.code !== 0) expect(run.err).toMatch(/rules\.json|in\.json/);
      }),
      { numRuns: RUNS * 3, seed: 1104 },
    );
  });
});

describe('scenario parsing with hostile input', () => {
  const stores = { crm: ['contact'], erp: ['customer'] };
  const yamlish = fc.oneof(
    fc.string({ maxLength: 300 }),
    json.map((v) => yamlStringify(v)),
    fc.record({ name: scalar, steps: fc.array(fc.dictionary(fc.constantFrom('given', 'edit', 'delete', 'sync', 'expect', ...PROTO_NAMES), fc.oneof(json, fc.constant({ crm: { contact: [{ id: 1 }] } })), { maxKeys: 2 }), { maxLength: 3 }) }).map((v) => yamlStringify(v)),
    deepText,
    fc.constantFrom('a: &a [*a]', `x: ${'[ '.repeat(5000)}`, '__proto__: {name: x}\nsteps: [{given: {__proto__: {contact: []}}}]', 'name: x\nsteps:\n  - given:\n      toString:\n        contact: []'),
  );
  it('arbitrary text and YAML: a scenario, or an input error naming the file', () => {
    fc.assert(
      fc.property(yamlish, (text) => {
        try {
          parseScenario(text, 'fuzz.yaml', stores);
        } catch (error) {
          expect(error).toBeInstanceOf(SesamflowError);
          expect((error as SesamflowError).kind).toBe('input');
          expect((error as Error).message).toMatch(/^fuzz\.yaml/);
        }
      }),
      { numRuns: RUNS * 3, seed: 1105 },
    );
  });
});
