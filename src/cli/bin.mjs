#!/usr/bin/env node
// Entry point of the `sesamflow` binary: runs the bundled CLI (see bundle.mjs).
import { cliBundle } from './bundle.mjs';

if (process.argv.includes('--debug')) process.setSourceMapsEnabled(true);
const { main } = await import(await cliBundle());
process.exitCode = await main(process.argv);
