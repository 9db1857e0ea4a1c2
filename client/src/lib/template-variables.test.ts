import { describe, expect, it } from 'vitest';
import { allTemplateVariables, templateToText, templateVariables, variableFields } from './template-variables';

describe('templateVariables', () => {
  it('finds names in expressions, ignoring attributes, filters and literals', () => {
    expect(templateVariables('Hello {{ user.name | title }}, about {{ topic }} and {{ "literal" }}')).toEqual(['user', 'topic']);
  });

  it('excludes loop variables and names the template sets', () => {
    const text = '{% for item in items %}{{ item }} {{ loop.index }}{% endfor %}{% set x = 1 %}{{ x }}{% if premium %}!{% endif %}';
    expect(templateVariables(text)).toEqual(['items', 'premium']);
  });

  it('collects chat content variables and placeholder slots', () => {
    expect(
      allTemplateVariables([
        { role: 'system', content: 'You are {{ persona }}.' },
        { role: 'placeholder', name: 'history' },
        { role: 'user', content: '{{ question }}' },
      ]),
    ).toEqual(['persona', 'history', 'question']);
  });

  it('builds form fields from the declared schema first, then inferred names', () => {
    const fields = variableFields('{{ a }} {{ b }}', { type: 'object', properties: { b: { type: 'integer', description: 'count' } }, required: ['b'] });
    expect(fields).toEqual([
      { name: 'b', type: 'integer', description: 'count', required: true },
      { name: 'a', type: 'string', required: true },
    ]);
  });

  it('renders chat templates as role-tagged text for diffs', () => {
    expect(templateToText([{ role: 'system', content: 'x' }, { role: 'placeholder', name: 'h' }])).toBe('[system]\nx\n\n[placeholder: h]');
  });
});
