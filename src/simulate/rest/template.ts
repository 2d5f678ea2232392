// Jinja templates of REST operations (url, params, headers, id/updated expressions), rendered by
// the subset evaluator of sesam/jinja.ts: autoescape off, an undefined variable renders as ""
// (Jinja's default Undefined). Each template is compiled once and cached by its text.
import { compiledTemplate, LazyValue } from '../../sesam/jinja';

export { TemplateError, templateProblem } from '../../sesam/jinja';

/** `{ ...entity, $source: entity }` as a template variable, copied only when a filter needs all of it. */
class EntityView extends LazyValue {
  constructor(readonly entity: Record<string, unknown>) {
    super();
  }
  member(key: string): unknown {
    if (key === '$source') return this.entity;
    return Object.hasOwn(this.entity, key) ? this.entity[key] : undefined;
  }
  value(): unknown {
    return { ...this.entity, $source: this.entity };
  }
}

/**
 * `{ ...entity, $source: entity }` (what share and collect operations show Jinja as `entity`)
 * without copying the entity for every call.
 */
export function entityWithSource(entity: Record<string, unknown>): object {
  return new EntityView(entity);
}

export function renderTemplate(template: string, vars: object): string {
  return compiledTemplate(template)(vars as Record<string, unknown>);
}
