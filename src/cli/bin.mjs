#!/usr/bin/env node
// Entry point of the `sesamflow` binary: registers tsx so the TypeScript sources (and the
// user's definitions in systems/ and pipes/) load without a build step, then runs the CLI.
import { register } from 'tsx/esm/api';

register();
const { main } = await import('./main.ts');
process.exitCode = await main(process.argv);
