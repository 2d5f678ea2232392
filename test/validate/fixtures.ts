// Small sesam-py project folders written to a temp dir, and an in-process CLI runner.
import { mkdtemp, mkdir, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { runCli as runCliIn } from '../helpers/cli';
import type { JsonObject, SesamProject } from '../../src/sesam/project';
import { validateProject } from '../../src/validate/index';

const created: string[] = [];

/** Writes files (objects as JSON, strings verbatim) into a fresh temp folder. */
export async function makeProject(files: Record<string, unknown>): Promise<string> {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'sesamflow-validate-'));
  created.push(dir);
  for (const [rel, content] of Object.entries(files)) {
    const full = path.join(dir, rel);
    await mkdir(path.dirname(full), { recursive: true });
    await writeFile(full, typeof content === 'string' ? content : `${JSON.stringify(content, null, 2)}\n`);
  }
  return dir;
}

export async function cleanupProjects(): Promise<void> {
  while (created.length > 0) await rm(created.pop()!, { recursive: true, force: true });
}

/** The in-process CLI runner of test/helpers, with this suite's variadic call style. */
export const runCli = (...args: string[]) => runCliIn(args, process.cwd());

/** A valid connector-style project: a REST system, collect/global/transform/share pipes. */
export function validProject(): Record<string, unknown> {
  return {
    'node-metadata.conf.json': { _id: 'node', type: 'metadata', namespaced_identifiers: true, global_defaults: { use_signalling_internally: true } },
    'systems/crm.conf.json': {
      _id: 'crm',
      type: 'system:rest',
      url_pattern: '$ENV(crm-url)/%s',
      verify_ssl: true,
      headers: { Authorization: 'Bearer $SECRET(crm-token)' },
      rate_limiting_retries: 3,
      operations: {
        list: { url: 'contacts', method: 'GET', next_page_link: '{{ body.next }}', payload_property: 'items' },
        lookup: { url: 'contacts/{{ properties.id }}', method: 'GET' },
        insert: { url: 'contacts', method: 'POST', 'payload-type': 'json' },
        update: { url: 'contacts/{{ properties.id }}', method: 'PUT' },
        delete: { url: 'contacts/{{ properties.id }}', method: 'DELETE' },
      },
    },
    'pipes/crm-contact-all.conf.json': {
      _id: 'crm-contact-all',
      type: 'pipe',
      source: { type: 'rest', system: 'crm', operation: 'list', id_expression: '{{ id }}' },
      pump: { cron_expression: '0 * * * *', rescan_cron_expression: '0 0 * * *' },
      namespaced_identifiers: false,
    },
    'pipes/crm-contact-collect.conf.json': {
      _id: 'crm-contact-collect',
      type: 'pipe',
      source: { type: 'dataset', dataset: 'crm-contact-all' },
      exclude_completeness: ['crm-contact-share'],
      namespaced_identifiers: false,
      transform: [
        { type: 'template', template: 'transform-collect-rest', properties: { rest_system: 'crm', primary_key: 'id', share_dataset: 'crm-contact-share', operation_lookup: 'lookup' } },
        { type: 'dtl', rules: { default: [['copy', '*']] } },
      ],
    },
    'pipes/global-contact.conf.json': {
      _id: 'global-contact',
      type: 'pipe',
      source: { type: 'merge', version: 2, datasets: ['crm-contact-collect crm'], equality_sets: [['crm.email']], identity: 'first', strategy: 'compact' },
      transform: {
        type: 'dtl',
        rules: {
          default: [
            ['copy', '*'],
            ['add', 'collected', ['hops', { datasets: ['crm-contact-collect c'], where: [['eq', '_S._id', 'c._id']] }]],
          ],
        },
      },
    },
    'pipes/crm-contact-transform.conf.json': {
      _id: 'crm-contact-transform',
      type: 'pipe',
      source: { type: 'dataset', dataset: 'global-contact' },
      transform: { type: 'dtl', rules: { default: [['copy', '*']] } },
    },
    'pipes/crm-contact-share.conf.json': {
      _id: 'crm-contact-share',
      type: 'pipe',
      source: { type: 'dataset', dataset: 'crm-contact-transform' },
      batch_size: 1,
      transform: { type: 'template', template: 'transform-share-rest', properties: { rest_system: 'crm', primary_key: 'id', share_dataset: 'crm-contact-share' } },
      sink: { type: 'dataset', set_initial_offset: 'onload', deletion_tracking: false },
      pump: { schedule_interval: '$ENV(share-interval)' },
    },
    'test-env.json': { 'crm-url': 'http://localhost:8080', 'share-interval': 30 },
    'prod-env.json': { 'crm-url': 'https://crm.example.com', 'share-interval': 300 },
  };
}

/** Validates files in memory (no disk), for rule-level assertions; `<profile>-env.json` entries are env profiles. */
export function validateFiles(files: Record<string, unknown>): ReturnType<typeof validateProject> {
  const project: SesamProject = { files: [], env: {} };
  for (const [path, content] of Object.entries(files)) {
    if (path.endsWith('-env.json')) project.env[path.replace(/-env\.json$/, '')] = content as JsonObject;
    else project.files.push({ path, entity: content as JsonObject });
  }
  return validateProject(project);
}
