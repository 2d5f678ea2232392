// The offline simulator (src/README.md, "Simulator"): the engine that runs generated pipes, and the scenario
// runner that drives it against emulated systems.
export * from './engine/index';
export { parseScenario, STEP_KINDS, type Scenario, type Step, type KnownStores } from './scenario/parse';
export { runScenario, storeDump, type ScenarioResult, type SimConfig, type World, type WorldFactory } from './scenario/run';
export { configFromFolder, configFromProject, loadScenarios } from './scenario/load';
export { subsetMatches, mismatch, isEmptyValue } from './match';
export { defaultWorldFactory, knownStores } from './scenario/world';
export { resultLines, summaryLine } from './scenario/report';
