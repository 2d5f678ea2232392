// Jinja templates of REST operations (url, params, headers, id/updated expressions), rendered with
// nunjucks, a Jinja port: autoescape off, and an undefined variable renders as "" like Jinja's
// default Undefined. Compiled templates are cached by their source text.
import nunjucks from 'nunjucks';

const env = new nunjucks.Environment([], { autoescape: false, throwOnUndefined: false });
const cache = new Map<string, nunjucks.Template>();

export function renderTemplate(template: string, vars: object): string {
  // Most operation strings have no template syntax at all: skip nunjucks for them.
  if (!template.includes('{{') && !template.includes('{%') && !template.includes('{#')) return template;
  let compiled = cache.get(template);
  if (!compiled) {
    compiled = new nunjucks.Template(template, env, undefined, true);
    cache.set(template, compiled);
  }
  return compiled.render(vars as Record<string, unknown>);
}
