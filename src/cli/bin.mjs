#!/usr/bin/env node
// Entry point of the `sesamflow` binary. In a checkout (src/ present) it runs the CLI bundle
// cached under a key of its sources (see bundle.mjs); an installed package runs the bundle built
// when it was packed (dist/cli.mjs).
import { existsSync } from 'node:fs';
import { fileURLToPath, pathToFileURL } from 'node:url';

if (process.argv.includes('--debug')) process.setSourceMapsEnabled(true);
const sources = fileURLToPath(new URL('./main.ts', import.meta.url));
const url = existsSync(sources) ? await (await import('./bundle.mjs')).cliBundle() : pathToFileURL(fileURLToPath(new URL('../../dist/cli.mjs', import.meta.url))).href;
const { main } = await import(url);
process.exitCode = await main(process.argv);
