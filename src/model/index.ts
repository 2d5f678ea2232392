export * from './system';
export * from './dataflow';
export type { Path, PathValue, ValuePath, Fits, ValueMap } from './paths';
export * from './emulator';
export * from './site';
