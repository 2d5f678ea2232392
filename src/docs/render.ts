// Handlebars rendering of the templates in templates/. Escaping is explicit per format (RST or
// Markdown) through helpers; Handlebars' HTML escaping is off because neither output is HTML.
//
// Compiling a template costs more than rendering every document with it, so the compiled form
// (Handlebars' precompiled JavaScript) is cached on disk under a key of the template text, the
// compile options and the Handlebars version.

import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import Handlebars from 'handlebars';
import { cacheKey, cachedCode } from '../code-cache';
import type { Inline } from './model';

/**
 * templates/ of the project. Looked up from this module upwards, because the CLI runs from a
 * bundle in node_modules/.cache/sesamflow/ while tests run the sources in src/docs/.
 */
function templatesDir(): URL {
  let dir = new URL('./', import.meta.url);
  for (let i = 0; i < 8; i++) {
    const candidate = new URL('templates/', dir);
    if (existsSync(new URL('dataflow.rst.hbs', candidate))) return candidate;
    dir = new URL('../', dir);
  }
  throw new Error(`templates/ not found above ${fileURLToPath(import.meta.url)}`);
}
let templates: URL | undefined;

/** Characters with inline meaning in RST text (emphasis, literals, substitutions, references). */
const escapeRst = (s: string): string => s.replace(/([\\*`|_])/g, '\\$1');
/** Characters with meaning in (GitHub) Markdown text and table cells. */
const escapeMd = (s: string): string => s.replace(/([\\*_`|[\]<>])/g, '\\$1');

export const inlineRst = (inline: Inline): string =>
  inline.map((s) => (typeof s === 'string' ? escapeRst(s) : `\`\`${s.code}\`\``)).join('');
export const inlineMd = (inline: Inline): string =>
  inline.map((s) => (typeof s === 'string' ? escapeMd(s) : `\`${s.code}\``)).join('');

/** A property cell: a literal, except the `—` of a value the sync sets itself. */
const propRst = (p: string) => (p === '—' ? p : `\`\`${p}\`\``);
const propMd = (p: string) => (p === '—' ? p : `\`${p}\``);

const COMPILE_OPTIONS = { noEscape: true, strict: true } as const;

/** The Handlebars environment with the helpers and partials. */
function engine(): typeof Handlebars {
  const hb = Handlebars.create();
  hb.registerHelper('rst', (inline: Inline) => inlineRst(inline));
  hb.registerHelper('md', (inline: Inline) => inlineMd(inline));
  hb.registerHelper('rstText', (s: string) => escapeRst(s));
  hb.registerHelper('mdText', (s: string) => escapeMd(s));
  hb.registerHelper('rstProp', propRst);
  hb.registerHelper('mdProp', propMd);
  // A list-table cell: docutils wants nothing after the `-` of an empty cell.
  hb.registerHelper('rstCell', (inline: Inline) => {
    const text = inlineRst(inline);
    return text === '' ? '' : ` ${text}`;
  });
  hb.registerHelper('underline', (text: string, char: string) => char.repeat([...text].length));
  hb.registerHelper('plus', (a: number, b: number) => a + b);
  hb.registerHelper('hashes', (n: number) => '#'.repeat(n));
  hb.registerHelper('eq', (a: unknown, b: unknown) => a === b);
  for (const name of ['rst-section', 'md-section']) {
    hb.registerPartial(name, hb.template(precompiled(`partials/${name}.hbs`)));
  }
  return hb;
}

function readTemplate(name: string): string {
  templates ??= templatesDir();
  return readFileSync(new URL(name, templates), 'utf8');
}

/** The precompiled specification of `templates/<name>`: from the cache, or compiled now and cached. */
function precompiled(name: string): TemplateSpecification {
  const text = readTemplate(name);
  // Handlebars' own output (a JavaScript object literal), made from the template by Handlebars.
  const load = (source: string) => new Function(`return ${source};`)() as TemplateSpecification;
  return cachedCode('templates', cacheKey([Handlebars.VERSION, COMPILE_OPTIONS, text]), () => String(Handlebars.precompile(text, COMPILE_OPTIONS)), load);
}

type TemplateSpecification = ReturnType<typeof Handlebars.precompile>;

let cached: typeof Handlebars | undefined;
const compiled = new Map<string, HandlebarsTemplateDelegate>();

/** Renders `templates/<name>` with `context`; output always ends with exactly one newline. */
export function renderTemplate(name: string, context: object): string {
  cached ??= engine();
  let template = compiled.get(name);
  if (!template) {
    template = cached.template(precompiled(name));
    compiled.set(name, template);
  }
  const text = template(context);
  // Collapse runs of blank lines that optional blocks leave behind; strip trailing spaces.
  return `${text.replace(/[ \t]+$/gm, '').replace(/\n{3,}/g, '\n\n').trimEnd()}\n`;
}
