// The definition API for dataflows (DESIGN §4.4–4.5): a CRM datatype paired with a PowerOffice
// datatype, how their records link, and the property mappings of the reference tables. The
// mapping builder is typed against both systems' read and write models, so a misspelled
// property, a type mismatch or a write to a read-only field does not compile.

import type { DatatypeDefinition } from './system';
import type { Fits, PathValue, ValueMap, ValuePath } from './paths';

/** ↔ both ways, → CRM to PowerOffice only, ← PowerOffice to CRM only. */
export type Direction = 'both' | 'toErp' | 'toCrm';
export type Side = 'crm' | 'erp';

/** Global concepts: one `global-<concept>` merge pipe each. */
export type Concept = 'person' | 'organisation' | 'order' | 'orderline' | 'product';

export interface PropertyMapping {
  readonly kind: 'property';
  readonly crm: string;
  readonly erp: string;
  readonly direction: Direction;
  /** Boolean negation both ways (`is_active` ↔ `IsArchived`). */
  readonly invert?: boolean;
  /** Value translation CRM → PowerOffice (enums); values missing from the table are not written. */
  readonly toErpValues?: Readonly<Record<string, unknown>>;
  /** Value translation PowerOffice → CRM. */
  readonly toCrmValues?: Readonly<Record<string, unknown>>;
  /** Why values are taken as they are although the types differ. */
  readonly assumeCompatible?: string;
  readonly note?: string;
}

/** A reference to a record of another concept, carried as a namespaced identifier (DESIGN §4.5). */
export interface ReferenceMapping {
  readonly kind: 'reference';
  readonly crm: string;
  readonly erp: string;
  readonly direction: Direction;
  /** Concept of the referenced records (`organisation` for a contact's customer). */
  readonly concept: Concept;
  /**
   * Whether a record with no value here can be written at all. PowerOffice needs a contact
   * person's owner: a contact without a customer is held back from PowerOffice.
   */
  readonly requiredBy: readonly Side[];
  /** The PowerOffice side is set only in the insert URL and cannot be changed later (`ContactId`). */
  readonly erpInsertOnly?: boolean;
  readonly note?: string;
}

/** One side's property holds the other side's primary key: written on insert, used for linking. */
export interface ExternalKeyMapping {
  readonly kind: 'external-key';
  /** The side whose property holds the other system's id. */
  readonly holder: Side;
  readonly property: string;
  readonly note?: string;
}

/** A target value computed from the other target values (`InvoiceDeliveryType` = `Print`). */
export interface DerivedMapping {
  readonly kind: 'derived';
  readonly side: Side;
  readonly target: string;
  readonly value: string | number | boolean;
  /** Written only when all of these target properties are empty. */
  readonly whenAllEmpty: readonly string[];
  readonly note: string;
}

export type Mapping = PropertyMapping | ReferenceMapping | ExternalKeyMapping | DerivedMapping;

export interface MergeCriterion {
  readonly crm: string;
  readonly erp: string;
  /** Normalisation applied to both sides' values before comparing. */
  readonly normalise: 'lower' | 'trim';
  /** Used only for records where the criteria before it have no value ("else"). */
  readonly fallback?: boolean;
}

/** A record condition on one side: records matching `notIn` are never sent to the other side. */
export interface SendCondition {
  readonly side: Side;
  readonly property: string;
  readonly notIn: readonly (string | number | boolean)[];
  readonly note: string;
}

export interface DataflowDefinition {
  /** `<crm datatype>-<erp datatype>`, also the definition file's name. */
  readonly id: string;
  /** Section title in the dataflow document. */
  readonly title: string;
  readonly concept: Concept;
  readonly crm: DatatypeDefinition;
  readonly erp: DatatypeDefinition;
  readonly mergeCriteria: readonly MergeCriterion[];
  readonly mappings: readonly Mapping[];
  readonly conditions: readonly SendCondition[];
  /** Child records (order lines) that form their own concept but travel with this dataflow. */
  readonly children: readonly DataflowDefinition[];
  /** Known limitations, listed in the generated document. */
  readonly limitations: readonly string[];
  /** Where the definition lives, for error messages (set by the loader). */
  readonly file?: string;
}

type ReadOf<D> = D extends DatatypeDefinition<infer R, any> ? R : never;
type WriteOf<D> = D extends DatatypeDefinition<any, infer W> ? W : never;

type Options = { readonly note?: string };
/**
 * Escape hatch for values the types cannot prove compatible (a free-text CRM code that holds
 * PowerOffice enum values): the reason is required and ends up in the generated document.
 */
type Assumed = { readonly assumeCompatible: string };
/** ↔ needs both value types to fit each other, unless value tables are given. */
type BothArgs<A, B> = Fits<A, B> extends true
  ? Fits<B, A> extends true
    ? [options?: Options & { readonly invert?: boolean }]
    : [options: Options & ({ readonly toErp: ValueMap<A, B>; readonly toCrm: ValueMap<B, A> } | Assumed)]
  : [options: Options & ({ readonly toErp: ValueMap<A, B>; readonly toCrm: ValueMap<B, A> } | Assumed)];
type OneWayArgs<A, B> = Fits<A, B> extends true
  ? [options?: Options & { readonly invert?: boolean }]
  : [options: Options & ({ readonly values: ValueMap<A, B> } | Assumed)];

/** The typed mapping builder handed to `defineDataflow`'s `mappings` function. */
export interface MappingBuilder<CR, CW, ER, EW> {
  /** ↔ both ways: the CRM path must be readable and writable in the CRM, likewise in PowerOffice. */
  both<C extends ValuePath<CR> & ValuePath<CW>, E extends ValuePath<ER> & ValuePath<EW>>(
    crm: C,
    erp: E,
    ...args: BothArgs<PathValue<CR, C>, PathValue<ER, E>>
  ): PropertyMapping;
  /** → CRM to PowerOffice only. */
  toErp<C extends ValuePath<CR>, E extends ValuePath<EW>>(
    crm: C,
    erp: E,
    ...args: OneWayArgs<PathValue<CR, C>, PathValue<EW, E>>
  ): PropertyMapping;
  /** ← PowerOffice to CRM only (arguments stay in table order: CRM first). */
  toCrm<C extends ValuePath<CW>, E extends ValuePath<ER>>(
    crm: C,
    erp: E,
    ...args: OneWayArgs<PathValue<ER, E>, PathValue<CW, C>>
  ): PropertyMapping;
  /** A reference to another concept's record, translated to the target's id. */
  reference<C extends ValuePath<CR>, E extends ValuePath<ER>>(
    crm: C,
    erp: E,
    concept: Concept,
    options?: Options & { readonly direction?: Direction; readonly requiredBy?: readonly Side[]; readonly erpInsertOnly?: boolean },
  ): ReferenceMapping;
  /** The CRM id written into a PowerOffice property (→), also a merge criterion. */
  crmKeyIn<E extends ValuePath<EW>>(erp: E, options?: Options): ExternalKeyMapping;
  /** The PowerOffice id written into a CRM property (←), also a merge criterion. */
  erpKeyIn<C extends ValuePath<CW>>(crm: C, options?: Options): ExternalKeyMapping;
  /** A PowerOffice value set when all the listed PowerOffice properties are empty. */
  erpDefault<E extends ValuePath<EW>>(
    erp: E,
    value: NonNullable<PathValue<EW, E>> & (string | number | boolean),
    whenAllEmpty: readonly ValuePath<EW>[],
    note: string,
  ): DerivedMapping;
}

const builder: MappingBuilder<any, any, any, any> = {
  both: (crm: string, erp: string, options?: any): PropertyMapping => ({
    kind: 'property',
    crm,
    erp,
    direction: 'both',
    ...(options?.invert ? { invert: true } : {}),
    ...(options?.toErp ? { toErpValues: options.toErp, toCrmValues: options.toCrm } : {}),
    ...(options?.assumeCompatible ? { assumeCompatible: options.assumeCompatible } : {}),
    ...(options?.note ? { note: options.note } : {}),
  }),
  toErp: (crm: string, erp: string, options?: any): PropertyMapping => ({
    kind: 'property',
    crm,
    erp,
    direction: 'toErp',
    ...(options?.invert ? { invert: true } : {}),
    ...(options?.values ? { toErpValues: options.values } : {}),
    ...(options?.assumeCompatible ? { assumeCompatible: options.assumeCompatible } : {}),
    ...(options?.note ? { note: options.note } : {}),
  }),
  toCrm: (crm: string, erp: string, options?: any): PropertyMapping => ({
    kind: 'property',
    crm,
    erp,
    direction: 'toCrm',
    ...(options?.invert ? { invert: true } : {}),
    ...(options?.values ? { toCrmValues: options.values } : {}),
    ...(options?.assumeCompatible ? { assumeCompatible: options.assumeCompatible } : {}),
    ...(options?.note ? { note: options.note } : {}),
  }),
  reference: (crm: string, erp: string, concept, options): ReferenceMapping => ({
    kind: 'reference',
    crm,
    erp,
    concept,
    direction: options?.direction ?? 'both',
    requiredBy: options?.requiredBy ?? [],
    ...(options?.erpInsertOnly ? { erpInsertOnly: true } : {}),
    ...(options?.note ? { note: options.note } : {}),
  }),
  crmKeyIn: (erp: string, options?: Options): ExternalKeyMapping => ({
    kind: 'external-key',
    holder: 'erp',
    property: erp,
    ...(options?.note ? { note: options.note } : {}),
  }),
  erpKeyIn: (crm: string, options?: Options): ExternalKeyMapping => ({
    kind: 'external-key',
    holder: 'crm',
    property: crm,
    ...(options?.note ? { note: options.note } : {}),
  }),
  erpDefault: (erp: string, value, whenAllEmpty, note): DerivedMapping => ({
    kind: 'derived',
    side: 'erp',
    target: erp,
    value,
    whenAllEmpty: [...whenAllEmpty],
    note,
  }),
};

export interface DataflowInput<C extends DatatypeDefinition<any, any>, E extends DatatypeDefinition<any, any>> {
  readonly id: string;
  readonly title: string;
  readonly concept: Concept;
  readonly crm: C;
  readonly erp: E;
  readonly mergeCriteria?: readonly {
    readonly crm: ValuePath<ReadOf<C>>;
    readonly erp: ValuePath<ReadOf<E>>;
    readonly normalise: MergeCriterion['normalise'];
    readonly fallback?: boolean;
  }[];
  readonly mappings: (m: MappingBuilder<ReadOf<C>, WriteOf<C>, ReadOf<E>, WriteOf<E>>) => readonly Mapping[];
  readonly conditions?: readonly ConditionInput<ReadOf<C>, ReadOf<E>>[];
  readonly children?: readonly DataflowDefinition[];
  readonly limitations?: readonly string[];
}

type ConditionInput<CR, ER> =
  | { [P in ValuePath<CR>]: { readonly side: 'crm'; readonly property: P; readonly notIn: readonly NonNullable<PathValue<CR, P>>[]; readonly note: string } }[ValuePath<CR>]
  | { [P in ValuePath<ER>]: { readonly side: 'erp'; readonly property: P; readonly notIn: readonly NonNullable<PathValue<ER, P>>[]; readonly note: string } }[ValuePath<ER>];

/** Declares one dataflow; the result is plain data the compiler and the docs read. */
export function defineDataflow<C extends DatatypeDefinition<any, any>, E extends DatatypeDefinition<any, any>>(
  input: DataflowInput<C, E>,
): DataflowDefinition {
  return {
    id: input.id,
    title: input.title,
    concept: input.concept,
    crm: input.crm,
    erp: input.erp,
    mergeCriteria: (input.mergeCriteria ?? []) as readonly MergeCriterion[],
    mappings: input.mappings(builder as MappingBuilder<ReadOf<C>, WriteOf<C>, ReadOf<E>, WriteOf<E>>),
    conditions: (input.conditions ?? []) as readonly SendCondition[],
    children: input.children ?? [],
    limitations: input.limitations ?? [],
  };
}
