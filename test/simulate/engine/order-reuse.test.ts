import { describe, expect, it } from 'vitest';
import { Engine } from '../../../src/simulate/engine/index';

type J = Record<string, unknown>;
const copy = (id: string, source: J): J => ({ _id: id, type: 'pipe', source, transform: { type: 'dtl', rules: { default: [['copy', '*']] } } });
const embedded = (id: string): J => ({ _id: id, type: 'pipe', source: { type: 'embedded', entities: [] } });

describe('engines of one pipe config list', () => {
  // `last` reads `x` or `y` depending on the env: `y` sorts after `last`, so the order differs.
  const pipes: J[] = [
    copy('last', { type: 'conditional', condition: '$ENV(side)', alternatives: { one: { type: 'dataset', dataset: 'x' }, two: { type: 'dataset', dataset: 'y' } } }),
    copy('y', { type: 'dataset', dataset: 'x' }),
    embedded('x'),
  ];

  it('reuse the order of the first engine for the same env, and order again for another env', () => {
    const one = { side: 'one' };
    const two = { side: 'two' };
    expect(new Engine(pipes, { env: one }).pipes.map((p) => p.id)).toEqual(['x', 'last', 'y']);
    const again = new Engine(pipes, { env: one });
    expect(again.pipes.map((p) => p.id)).toEqual(['x', 'last', 'y']);
    expect(new Engine(pipes, { env: two }).pipes.map((p) => p.id)).toEqual(['x', 'y', 'last']);
    expect(new Engine(pipes, { env: one }).pipes.map((p) => p.id)).toEqual(['x', 'last', 'y']);
    // Each engine has its own pipes, in that order.
    const other = new Engine(pipes, { env: one });
    expect(other.pipes.every((p, i) => p !== again.pipes[i])).toBe(true);
  });
});
