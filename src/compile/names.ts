// Pipe, dataset, operation and property names: part of the contract (src/README.md, "Pipes"), kept in
// one place so every module agrees on them.

import type { Concept } from '../model/dataflow';
import type { SideModel } from './model';

export type Step = 'all' | 'split' | 'collect' | 'enrich' | 'transform' | 'share';

export const pipeId = (side: SideModel, step: Step): string => `${side.ns}-${step}`;
export const globalId = (concept: Concept): string => `global-${concept}`;
export const operationId = (side: SideModel, op: 'list' | 'lookup' | 'insert' | 'update'): string => `${side.datatype.name}-${op}`;

/** A raw record property as stored in the enrich dataset and the global: `customcrm-contact:email`. */
export const nsProp = (side: SideModel, path: string): string => `${side.ns}:${path}`;

/**
 * Properties the sync adds next to a record's own ones carry the `sesam_` prefix (the
 * connector convention), so they are never mistaken for API fields.
 */
const syncProp = (side: SideModel, name: string): string => `${side.ns}:sesam_${name}`;
export const keyProp = (side: SideModel, path: string): string => syncProp(side, `key_${path.replace(/\./g, '_')}`);
export const refProp = (side: SideModel, path: string): string => syncProp(side, `ref_${path.replace(/\./g, '_')}`);
export const lastModifiedProp = (side: SideModel): string => syncProp(side, 'last_modified');
export const originProp = (side: SideModel): string => syncProp(side, 'origin');
