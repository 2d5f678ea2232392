// Type-level property paths: what makes a misspelled property, a type mismatch or a write to a
// read-only field a TypeScript compile error in the definitions (issue 2, item 3).

type Leaf = string | number | boolean | null | undefined | readonly unknown[];

/** Dotted paths into a record type: `'name' | 'address' | 'address.city' | ...` (arrays are leaves). */
export type Path<T> = T extends Leaf
  ? never
  : {
      [K in keyof T & string]: NonNullable<T[K]> extends Leaf ? K : K | `${K}.${Path<NonNullable<T[K]>>}`;
    }[keyof T & string];

/** The type found at a dotted path. */
export type PathValue<T, P extends string> = P extends `${infer K}.${infer Rest}`
  ? K extends keyof T
    ? PathValue<NonNullable<T[K]>, Rest>
    : never
  : P extends keyof T
    ? T[P]
    : never;

/** Paths that hold plain values (not nested objects): the things a mapping row can map. */
export type ValuePath<T> = {
  [P in Path<T>]: NonNullable<PathValue<T, P>> extends Leaf ? P : never;
}[Path<T>];

type Plain<T> = NonNullable<T>;
/** True when every value of A fits into B (null-ness is ignored: nulls are never written). */
export type Fits<A, B> = [Plain<A>] extends [Plain<B>] ? true : false;

/**
 * A value translation table: every value of A must be covered (a forgotten enum value does not
 * compile); `null` means "has no counterpart: not written".
 */
export type ValueMap<A, B> = { readonly [K in Plain<A> & (string | number)]: Plain<B> | null };
