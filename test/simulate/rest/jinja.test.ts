// The operation template evaluator: Sesam's Jinja subset, and nothing that reaches JavaScript.
import { describe, expect, it } from 'vitest';
import { renderTemplate } from '../../../src/simulate/rest';
import { TemplateError, entityWithSource, templateProblem } from '../../../src/simulate/rest/template';

const render = (template: string, vars: object = {}) => renderTemplate(template, vars);
const refused = (template: string, vars: object = {}): string => {
  try {
    const out = render(template, vars);
    return `rendered ${JSON.stringify(out)}`;
  } catch (error) {
    expect(error).toBeInstanceOf(TemplateError);
    return (error as Error).message;
  }
};

describe('operation templates cannot reach JavaScript', () => {
  it('refuses the nunjucks code-execution payload instead of running it', () => {
    // With nunjucks this returned "42": the constructor of a global function is Function.
    const payload = '{{ range.constructor("return 6*7")() }}';
    expect(refused(payload)).toMatch(/method constructor\(\) is not part of the template subset/);
    expect(refused('{{ cycler.constructor("return process")() }}')).toMatch(/not part of the template subset/);
    expect(templateProblem(payload)?.message).toMatch(/not part of the template subset/);
    expect(refused('{{ (range.constructor)("return 6*7")() }}')).toMatch(/calling functions is not part of the template subset/);
  });

  it('reads only own data: prototype members are undefined and nothing is callable', () => {
    const entity = { Id: 1, nested: { a: 'x' }, list: [1, 2] };
    for (const path of ['constructor', '__proto__', 'toString', 'hasOwnProperty', 'valueOf', '__defineGetter__']) {
      expect(render(`[{{ entity.${path} }}]`, { entity })).toBe('[]');
      expect(render(`[{{ entity['${path}'] }}]`, { entity })).toBe('[]');
      expect(render(`[{{ entity.nested.${path} }}]`, { entity })).toBe('[]');
      expect(render(`[{{ entity.list.${path} }}]`, { entity })).toBe('[]');
      expect(render(`[{{ 'text'.${path} }}]`)).toBe('[]');
      expect(render(`[{{ ${path} }}]`, { entity })).toBe('[]');
    }
    expect(render("[{{ entity['constructor']['constructor'] }}]", { entity })).toBe('[]');
    expect(render('[{{ entity.list.length }}]', { entity })).toBe('[]');
    // Own properties named like prototype members are ordinary data.
    expect(render('{{ e.constructor }}/{{ e.toString }}', { e: JSON.parse('{"constructor":"c","toString":"t"}') })).toBe('c/t');
    // Functions passed in as variables are not values either.
    expect(render('[{{ f }}]', { f: () => 'called' })).toBe('[]');
    expect(refused('{{ f() }}', { f: () => 'called' })).toMatch(/calling f\(\) is not part of the template subset/);
    expect(refused('{{ entity.toString() }}', { entity })).toMatch(/method toString\(\) is not part of the template subset/);
    expect(refused('{{ entity.nested.get.constructor("x") }}', { entity })).toMatch(/not part of the template subset/);
    // The evaluator's own tables (filters, tests, methods, constants) are not read through prototypes either.
    expect(refused('{{ x|constructor }}')).toMatch(/filter 'constructor' is not part of the template subset/);
    expect(refused('{{ x|toString }}')).toMatch(/filter 'toString'/);
    expect(refused('{{ x is constructor }}')).toMatch(/test 'constructor' is not part of the template subset/);
    expect(refused("{{ 'a'.constructor('x') }}")).toMatch(/method constructor\(\) is not part of the template subset/);
    expect(render("{{ 'a\\constructor' }}")).toBe('a\\constructor');
  });

  it('refuses statements, filters and syntax outside the subset, naming them', () => {
    expect(refused('{% for x in xs %}{{ x }}{% endfor %}')).toMatch(/\{% for %\} is not part of the template subset/);
    expect(refused('{% set x = 1 %}')).toMatch(/\{% set %\} is not part of the template subset/);
    expect(refused('{% include "x" %}')).toMatch(/include/);
    expect(refused('{{ x | attr("y") }}')).toMatch(/filter 'attr' is not part of the template subset/);
    expect(refused('{{ x | map("upper") }}')).toMatch(/filter 'map'/);
    expect(refused('{{ now() }}')).toMatch(/calling now\(\)/);
    expect(refused('{{ x[1:2] }}')).toMatch(/slices/);
    expect(refused('{{ {"a": 1} }}')).toMatch(/dict literals/);
    expect(refused('{{ a, b }}')).toMatch(/tuples/);
    expect(refused('{{ x is callable }}')).toMatch(/test 'callable'/);
    expect(refused('{{ unclosed')).toMatch(/unclosed/);
    expect(refused('{% if x %}no end')).toMatch(/has no \{% endif %\}/);
    expect(refused('{% endif %}')).toMatch(/without \{% if %\}/);
    expect(refused('{{ "abc }}')).toMatch(/unclosed|unterminated/);
  });

  it('bounds what a template can build and how deep it nests', () => {
    expect(refused("{{ 'a' * 100000000 }}")).toMatch(/unsupported operand types for \*: str and int/);
    const doubling = `{{ x${'|replace("a", "aaaaaaaaaa")'.repeat(8)} }}`;
    expect(refused(doubling, { x: 'aaaa' })).toMatch(/longer than 1000000 characters/);
    expect(refused(`{{ ${'('.repeat(5000)}1${')'.repeat(5000)} }}`)).toMatch(/nested deeper than 64 levels/);
    expect(refused(`{{ ${'not '.repeat(5000)}x }}`)).toMatch(/nested deeper/);
    expect(refused(`{{ ${'-'.repeat(5000)}1 }}`)).toMatch(/nested deeper/);
  });
});

describe('the documented subset', () => {
  it('variables, attribute and item access, undefined as empty', () => {
    const source = { ContactId: 7, Id: 3 };
    expect(render("P/{{ entity['$source'].ContactId }}/{{ entity.Id }}", { entity: { ...source, $source: source } })).toBe('P/7/3');
    expect(render("P/{{ entity['$source'].ContactId }}/{{ entity.Id }}", { entity: entityWithSource(source) })).toBe('P/7/3');
    expect(render('{{ xs[0] }}{{ xs[-1] }}{{ xs.1 }}', { xs: ['a', 'b', 'c'] })).toBe('acb');
    expect(render('[{{ a.b.c }}]', {})).toBe('[]');
    expect(render('{{ n }} {{ t }} {{ f }} {{ x }}', { n: null, t: true, f: false, x: 1.5 })).toBe('None True False 1.5');
    expect(render('{{ xs }} {{ d }}', { xs: ['a', 1, null], d: { k: "it's" } })).toBe("['a', 1, None] {'k': 'it\\'s'}");
  });

  it('arithmetic, concatenation, comparisons and boolean logic with Python semantics', () => {
    expect(render('{{ page + 1 }}', { page: 0 })).toBe('1');
    expect(render('{{ 2 + 3 * 4 }} {{ (2 + 3) * 4 }} {{ 2 ** 3 ** 2 }} {{ -2 ** 2 }}')).toBe('14 20 512 -4');
    expect(render('{{ 7 / 2 }} {{ 4 / 2 }} {{ 7 // 2 }} {{ -7 // 2 }} {{ -7 % 3 }} {{ 1.5 + 1 }}')).toBe('3.5 2.0 3 -4 2 2.5');
    expect(render("{{ 'a' ~ 1 ~ none ~ missing }}")).toBe('a1None');
    expect(render("{{ 'x' + 'y' }} {{ [1] + [2] }}")).toBe('xy [1, 2]');
    expect(render('{{ 1 < 2 and 2 <= 2 }} {{ 1 == 1.0 }} {{ "a" != "b" }} {{ not 0 }} {{ 0 or "z" }} {{ 1 and 0 }}')).toBe('True True True True z 0');
    expect(render("{{ 'b' in 'abc' }} {{ 2 in [1, 2] }} {{ 'k' in d }} {{ 3 not in [1] }}", { d: { k: 1 } })).toBe('True True True True');
    expect(render("{{ 'yes' if x else 'no' }}|{{ 'only' if y }}|", { x: 1, y: 0 })).toBe('yes||');
    expect(refused('{{ page + 1 }}')).toMatch(/undefined value in '\+'/);
    expect(refused('{{ 1 / 0 }}')).toMatch(/division by zero/);
    expect(refused("{{ 1 < 'a' }}")).toMatch(/cannot compare int and str/);
  });

  it('if / elif / else blocks, is-tests and whitespace control', () => {
    const t = '{% if x is not defined %}none{% elif x > 1 %}big{% else %}small{% endif %}';
    expect([render(t), render(t, { x: 2 }), render(t, { x: 1 })]).toEqual(['none', 'big', 'small']);
    expect(render('{% if previous_params.Page is not defined %}1{% else %}{{ previous_params.Page|int+1|int }}{% endif %}', { previous_params: { Page: '4' } })).toBe('5');
    expect(render('{%if (headers.link.next is defined)%}{{headers.link.next}}{%endif%}', { headers: { link: { next: 'n' } } })).toBe('n');
    expect(render('a  {%- if true -%}  b  {%- endif -%}  c {# note #}')).toBe('abc ');
    expect(render('{{ x is none }} {{ 4 is even }} {{ 9 is divisibleby 3 }} {{ "s" is string }} {{ d is mapping }} {{ 1 is eq 1 }}', { x: null, d: {} })).toBe(
      'True True True True True True',
    );
    expect(render('{{@ system @}}-x')).toBe('{{@ system @}}-x');
  });

  it('the supported filters and string methods', () => {
    expect(render("{{ x|default('d') }} {{ ''|default('d', true) }} {{ n|d('e') }}", { n: null })).toBe('d d None');
    expect(render("{{ '12'|int + 1 }} {{ '12.7'|int }} {{ 'x'|int }} {{ 'x'|int(5) }} {{ 3|float }} {{ '2.5'|float }}")).toBe('13 12 0 5 3.0 2.5');
    expect(render("{{ ' Ab '|trim|lower }}{{ 'ab'|upper }}{{ 'aBC'|capitalize }}{{ 5|string ~ '' }}")).toBe('abABAbc5');
    expect(render("{{ 'a b/c?d=é'|urlencode }} {{ d|urlencode }}", { d: { q: 'a b', p: '1/2' } })).toBe('a%20b/c%3Fd%3D%C3%A9 q=a%20b&p=1%2F2');
    expect(render('{{ d|tojson }}', { d: { b: [1, 'x<y'], a: null, c: 'é' } })).toBe('{"a": null, "b": [1, "x\\u003cy"], "c": "\\u00e9"}');
    expect(render("{{ xs|join(',') }} {{ xs|length }} {{ xs|first }} {{ xs|last }} {{ 'abc'|count }}", { xs: ['a', 'b'] })).toBe('a,b 2 a b 3');
    expect(render("{{ 'aXbXc'|replace('X', '-') }} {{ 'aXbXc'|replace('X', '-', 1) }} {{ (-3)|abs }} {{ -3|abs }} {{ 2.567|round(2) }} {{ 2.5|round }}")).toBe('a-b-c a-bXc 3 -3 2.57 3.0');
    expect(render("{{ ('0:' + token)|bytes|base64_encode }} {{ 'aGk='|base64_decode }}", { token: 't' })).toBe("MDp0 b'hi'");
    expect(render("{{ link.split('?')[0] ~ '?after=' ~ after }}", { link: 'https://x/y?page=2', after: 'z' })).toBe('https://x/y?after=z');
    expect(render("{{ ' a '.strip() }}|{{ 'a,b,c'.split(',', 1) }}|{{ 'ab'.startswith('a') }}|{{ d.get('k') }}|{{ d.get('m', 0) }}", { d: { k: 'v' } })).toBe(
      "a|['a', 'b,c']|True|v|0",
    );
    expect(render('{{ e|tojson }}', { e: entityWithSource({ a: 1 }) })).toBe('{"$source": {"a": 1}, "a": 1}');
  });
});

describe('Jinja filters real connectors use', () => {
  it('max, min and truncate', () => {
    expect(renderTemplate('{{ [3, 10, 2] | max }}-{{ [3, 10, 2] | min }}', {})).toBe('10-2');
    expect(renderTemplate("{{ s | truncate(19, True, '') }}", { s: '2026-01-01T10:00:00.123456Z' })).toBe('2026-01-01T10:00:00');
    expect(renderTemplate('{{ s | truncate(10) }}', { s: 'short' })).toBe('short');
  });

  it('a Jinja filter the simulator lacks is advice (warning), a non-Jinja one an error', () => {
    expect(templateProblem('{{ x | wordwrap }}')).toMatchObject({ unimplemented: true });
    expect(templateProblem('{{ x | nosuchfilter }}')).toMatchObject({ unimplemented: false });
  });
});
