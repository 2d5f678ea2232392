// The definition API for dataflows: a datatype of one system (the `crm` side) paired with a
// datatype of the other (the `erp` side), how their records link, and the property mappings. The
// mapping builder is typed against both systems' read and write models, so a misspelled
// property, a type mismatch, a write to a read-only field or a create-only field mapped without
// `insertOnly` does not compile — and the error names the property.

import type { DatatypeDefinition } from './system';
import type { Fits, PathValue, ValueMap, ValuePath } from './paths';
import { type CallSite, captureCallSite } from './site';

/** ↔ both ways, → crm side to erp side only, ← erp side to crm side only. */
export type Direction = 'both' | 'toErp' | 'toCrm';
export type Side = 'crm' | 'erp';

/** A global concept: any name a dataflow declares (lower case); one `global-<concept>` merge pipe each. */
export type Concept = string;

/** Where the definition was written (recorded by the builders, resolved by the loader). */
interface Sited {
  readonly site?: CallSite;
}

export interface PropertyMapping extends Sited {
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
  /** Written when the target record is created, never updated: afterwards each side keeps its own value. */
  readonly insertOnly?: boolean;
  readonly note?: string;
}

/** A reference to a record of another concept, carried as a namespaced identifier (src/README.md, "Sync rules"). */
export interface ReferenceMapping extends Sited {
  readonly kind: 'reference';
  readonly crm: string;
  readonly erp: string;
  readonly direction: Direction;
  /** Concept of the referenced records (`organisation` for a contact's customer). */
  readonly concept: Concept;
  /**
   * The sides whose records cannot be written without a value here (an owner the API requires):
   * such a record is held back until the reference resolves.
   */
  readonly requiredBy: readonly Side[];
  /** The erp side is set only when its record is created (e.g. an owner in the insert URL) and never changes. */
  readonly erpInsertOnly?: boolean;
  readonly note?: string;
}

/** One side's property holds the other side's primary key: written on insert, used for linking. */
export interface ExternalKeyMapping extends Sited {
  readonly kind: 'external-key';
  /** The side whose property holds the other system's id. */
  readonly holder: Side;
  readonly property: string;
  readonly note?: string;
}

/** A target value computed from the other target values (`InvoiceDeliveryType` = `Print`). */
export interface DerivedMapping extends Sited {
  readonly kind: 'derived';
  readonly side: Side;
  readonly target: string;
  readonly value: string | number | boolean;
  /** Written only when all of these target properties are empty. */
  readonly whenAllEmpty: readonly string[];
  readonly note: string;
}

export type Mapping = PropertyMapping | ReferenceMapping | ExternalKeyMapping | DerivedMapping;

export interface MergeCriterion extends Sited {
  readonly crm: string;
  readonly erp: string;
  /** Normalisation applied to both sides' values before comparing. */
  readonly normalise: 'lower' | 'trim';
  /** Used only for records where the criteria before it have no value ("else"). */
  readonly fallback?: boolean;
}

/** A record condition on one side: records matching `notIn` are never sent to the other side. */
export interface SendCondition extends Sited {
  readonly side: Side;
  readonly property: string;
  readonly notIn: readonly (string | number | boolean)[];
  readonly note: string;
}

export interface DataflowDefinition extends Sited {
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

type ReadOf<D> = D extends DatatypeDefinition<infer R, any, any> ? R : never;
type WriteOf<D> = D extends DatatypeDefinition<any, infer W, any> ? W : never;
type CreateOnlyOf<D> = D extends DatatypeDefinition<any, any, infer C> ? (string extends C ? never : C) : never;

// ---- type-level checks with readable errors --------------------------------------------------
// A misspelled path fails its parameter's constraint (the error lists the valid paths). The
// other checks only run once both paths are single valid names, and fail with an `error`
// message in the parameter type.

type IsUnion<T, U = T> = T extends unknown ? ([U] extends [T] ? false : true) : never;
/** True for exactly one literal name (not never, not a union). */
type IsName<T> = [T] extends [never] ? false : true extends IsUnion<T> ? false : true;
type Both<A, B> = A extends true ? (B extends true ? true : false) : false;
type Check<Ok, Message extends string> = Ok extends true ? unknown : { readonly error: Message };

type Options = { readonly note?: string };
/** The options argument failed its own type (e.g. an incomplete value table): its error is the one to show. */
type FellBack<O> = {} extends O ? ([keyof O] extends [never] ? false : true) : false;
type Tabled<O> = FellBack<O> extends true ? true : O extends { readonly assumeCompatible: string } ? true : O extends { readonly toErp: object; readonly toCrm: object } ? true : false;
type Valued<O> = FellBack<O> extends true ? true : O extends { readonly assumeCompatible: string } ? true : O extends { readonly values: object } ? true : false;
type InsertOnly<O> = O extends { readonly insertOnly: true } ? true : false;

/** A create-only target needs `insertOnly`. */
type CreateOnlyCheck<P, CO, O> = [P] extends [CO] ? Check<InsertOnly<O>, `'${P & string}' can only be set on create: map it with { insertOnly: true }`> : unknown;
/** ↔ needs both value types to fit each other, unless value tables (or a reason) are given. */
type BothFitCheck<A, B, O> = Check<Both<Fits<A, B>, Fits<B, A>> extends true ? true : Tabled<O>, 'the value types do not fit both ways: give value tables { toErp, toCrm } or { assumeCompatible: "why" }'>;
type OneWayFitCheck<A, B, O> = Check<Fits<A, B> extends true ? true : Valued<O>, 'the value types do not fit: give a value table { values } or { assumeCompatible: "why" }'>;
/** The checks of one row, once both names are valid. */
type RowCheck<C, E, Rule> = Both<IsName<C>, IsName<E>> extends true ? Rule : unknown;

type BothOptions<A, B> = Options & {
  readonly invert?: boolean;
  readonly insertOnly?: boolean;
  readonly toErp?: ValueMap<A, B>;
  readonly toCrm?: ValueMap<B, A>;
  readonly assumeCompatible?: string;
};
type OneWayOptions<A, B> = Options & {
  readonly invert?: boolean;
  readonly insertOnly?: boolean;
  readonly values?: ValueMap<A, B>;
  /** Escape hatch for values the types cannot prove compatible: the reason goes into the generated document. */
  readonly assumeCompatible?: string;
};

/** The typed mapping builder handed to `defineDataflow`'s `mappings` function. */
export interface MappingBuilder<CR, CW, CC, ER, EW, EC> {
  /** ↔ both ways: the crm path must be readable and writable in its system, likewise the erp path. */
  both<C extends ValuePath<CR> & ValuePath<CW>, E extends ValuePath<ER> & ValuePath<EW>, const O extends BothOptions<PathValue<CR, C>, PathValue<ER, E>> = {}>(
    crm: C & RowCheck<C, E, CreateOnlyCheck<C, CC, O>>,
    erp: E & RowCheck<C, E, CreateOnlyCheck<E, EC, O> & BothFitCheck<PathValue<CR, C>, PathValue<ER, E>, O>>,
    options?: O,
  ): PropertyMapping;
  /** → crm side to erp side only. */
  toErp<C extends ValuePath<CR>, E extends ValuePath<EW>, const O extends OneWayOptions<PathValue<CR, C>, PathValue<EW, E>> = {}>(
    crm: C,
    erp: E & RowCheck<C, E, CreateOnlyCheck<E, EC, O> & OneWayFitCheck<PathValue<CR, C>, PathValue<EW, E>, O>>,
    options?: O,
  ): PropertyMapping;
  /** ← erp side to crm side only (arguments stay in table order: crm first). */
  toCrm<C extends ValuePath<CW>, E extends ValuePath<ER>, const O extends OneWayOptions<PathValue<ER, E>, PathValue<CW, C>> = {}>(
    crm: C & RowCheck<C, E, CreateOnlyCheck<C, CC, O> & OneWayFitCheck<PathValue<ER, E>, PathValue<CW, C>, O>>,
    erp: E,
    options?: O,
  ): PropertyMapping;
  /** A reference to another concept's record, translated to the target's id. */
  reference<C extends ValuePath<CR>, E extends ValuePath<ER>>(
    crm: C,
    erp: E,
    concept: Concept,
    options?: Options & { readonly direction?: Direction; readonly requiredBy?: readonly Side[]; readonly erpInsertOnly?: boolean },
  ): ReferenceMapping;
  /** The crm side's id written into an erp property (→) when the erp record is created; also a merge criterion. */
  crmKeyIn<E extends ValuePath<EW>>(erp: E, options?: Options): ExternalKeyMapping;
  /** The erp side's id written into a crm property (←) when the crm record is created; also a merge criterion. */
  erpKeyIn<C extends ValuePath<CW>>(crm: C, options?: Options): ExternalKeyMapping;
  /** An erp value set when all the listed erp properties are empty. */
  erpDefault<E extends Exclude<ValuePath<EW>, EC>>(
    erp: E,
    value: NonNullable<PathValue<EW, E>> & (string | number | boolean),
    whenAllEmpty: readonly ValuePath<EW>[],
    note: string,
  ): DerivedMapping;
}

/** Builds merge criteria: `(k) => [k.on('email', 'EmailAddress', 'lower')]`. */
export interface CriteriaBuilder<CR, ER> {
  /** Records whose normalised values are equal are the same record. `fallback`: only for records where the criteria before it have no value. */
  on<C extends ValuePath<CR>, E extends ValuePath<ER>>(crm: C, erp: E, normalise: MergeCriterion['normalise'], options?: { readonly fallback?: boolean }): MergeCriterion;
}

/** Builds send conditions: `(c) => [c.notIn('crm', 'status', ['cancelled'], 'why')]`. */
export interface ConditionBuilder<CR, ER> {
  /** Records of `side` whose `property` holds one of `values` are never sent to the other side. */
  notIn<S extends Side, P extends ValuePath<S extends 'crm' ? CR : ER>>(
    side: S,
    property: P,
    values: readonly NonNullable<PathValue<S extends 'crm' ? CR : ER, P>>[],
    note: string,
  ): SendCondition;
}

const sited = <T extends object>(value: T, above: Function): T => ({ ...value, site: captureCallSite(above) });
const note = (options?: Options) => (options?.note ? { note: options.note } : {});

const builder: MappingBuilder<any, any, any, any, any, any> = {
  both(crm: string, erp: string, options?: any): PropertyMapping {
    return sited({
      kind: 'property',
      crm,
      erp,
      direction: 'both',
      ...(options?.invert ? { invert: true } : {}),
      ...(options?.toErp ? { toErpValues: options.toErp, toCrmValues: options.toCrm } : {}),
      ...(options?.assumeCompatible ? { assumeCompatible: options.assumeCompatible } : {}),
      ...(options?.insertOnly ? { insertOnly: true } : {}),
      ...note(options),
    }, builder.both);
  },
  toErp(crm: string, erp: string, options?: any): PropertyMapping {
    return sited({
      kind: 'property',
      crm,
      erp,
      direction: 'toErp',
      ...(options?.invert ? { invert: true } : {}),
      ...(options?.values ? { toErpValues: options.values } : {}),
      ...(options?.assumeCompatible ? { assumeCompatible: options.assumeCompatible } : {}),
      ...(options?.insertOnly ? { insertOnly: true } : {}),
      ...note(options),
    }, builder.toErp);
  },
  toCrm(crm: string, erp: string, options?: any): PropertyMapping {
    return sited({
      kind: 'property',
      crm,
      erp,
      direction: 'toCrm',
      ...(options?.invert ? { invert: true } : {}),
      ...(options?.values ? { toCrmValues: options.values } : {}),
      ...(options?.assumeCompatible ? { assumeCompatible: options.assumeCompatible } : {}),
      ...(options?.insertOnly ? { insertOnly: true } : {}),
      ...note(options),
    }, builder.toCrm);
  },
  reference(crm: string, erp: string, concept, options): ReferenceMapping {
    return sited({
      kind: 'reference',
      crm,
      erp,
      concept,
      direction: options?.direction ?? 'both',
      requiredBy: options?.requiredBy ?? [],
      ...(options?.erpInsertOnly ? { erpInsertOnly: true } : {}),
      ...note(options),
    }, builder.reference);
  },
  crmKeyIn(erp: string, options?: Options): ExternalKeyMapping {
    return sited({ kind: 'external-key', holder: 'erp', property: erp, ...note(options) }, builder.crmKeyIn);
  },
  erpKeyIn(crm: string, options?: Options): ExternalKeyMapping {
    return sited({ kind: 'external-key', holder: 'crm', property: crm, ...note(options) }, builder.erpKeyIn);
  },
  erpDefault(erp: string, value, whenAllEmpty, text): DerivedMapping {
    return sited({ kind: 'derived', side: 'erp', target: erp, value, whenAllEmpty: [...whenAllEmpty], note: text }, builder.erpDefault);
  },
};

const criteriaBuilder: CriteriaBuilder<any, any> = {
  on(crm: string, erp: string, normalise, options): MergeCriterion {
    return sited({ crm, erp, normalise, ...(options?.fallback ? { fallback: true } : {}) }, criteriaBuilder.on);
  },
};

const conditionBuilder: ConditionBuilder<any, any> = {
  notIn(side, property: string, values, text): SendCondition {
    return sited({ side, property, notIn: [...values] as SendCondition['notIn'], note: text }, conditionBuilder.notIn);
  },
};

export interface DataflowInput<C extends DatatypeDefinition<any, any, any>, E extends DatatypeDefinition<any, any, any>> {
  readonly id: string;
  readonly title: string;
  readonly concept: Concept;
  readonly crm: C;
  readonly erp: E;
  readonly mergeCriteria?:
    | ((k: CriteriaBuilder<ReadOf<C>, ReadOf<E>>) => readonly MergeCriterion[])
    | readonly {
        readonly crm: ValuePath<ReadOf<C>>;
        readonly erp: ValuePath<ReadOf<E>>;
        readonly normalise: MergeCriterion['normalise'];
        readonly fallback?: boolean;
      }[];
  readonly mappings: (m: MappingBuilder<ReadOf<C>, WriteOf<C>, CreateOnlyOf<C>, ReadOf<E>, WriteOf<E>, CreateOnlyOf<E>>) => readonly Mapping[];
  readonly conditions?: ((c: ConditionBuilder<ReadOf<C>, ReadOf<E>>) => readonly SendCondition[]) | readonly ConditionInput<ReadOf<C>, ReadOf<E>>[];
  readonly children?: readonly DataflowDefinition[];
  readonly limitations?: readonly string[];
}

type ConditionInput<CR, ER> =
  | { [P in ValuePath<CR>]: { readonly side: 'crm'; readonly property: P; readonly notIn: readonly NonNullable<PathValue<CR, P>>[]; readonly note: string } }[ValuePath<CR>]
  | { [P in ValuePath<ER>]: { readonly side: 'erp'; readonly property: P; readonly notIn: readonly NonNullable<PathValue<ER, P>>[]; readonly note: string } }[ValuePath<ER>];

/** Declares one dataflow; the result is plain data the compiler and the docs read. */
export function defineDataflow<C extends DatatypeDefinition<any, any, any>, E extends DatatypeDefinition<any, any, any>>(
  input: DataflowInput<C, E>,
): DataflowDefinition {
  const criteria = input.mergeCriteria ?? [];
  const conditions = input.conditions ?? [];
  return {
    id: input.id,
    title: input.title,
    concept: input.concept,
    crm: input.crm,
    erp: input.erp,
    mergeCriteria: (typeof criteria === 'function' ? criteria(criteriaBuilder as CriteriaBuilder<ReadOf<C>, ReadOf<E>>) : criteria) as readonly MergeCriterion[],
    mappings: input.mappings(builder as MappingBuilder<ReadOf<C>, WriteOf<C>, CreateOnlyOf<C>, ReadOf<E>, WriteOf<E>, CreateOnlyOf<E>>),
    conditions: (typeof conditions === 'function' ? conditions(conditionBuilder as ConditionBuilder<ReadOf<C>, ReadOf<E>>) : conditions) as readonly SendCondition[],
    children: input.children ?? [],
    limitations: input.limitations ?? [],
    site: captureCallSite(defineDataflow),
  };
}
