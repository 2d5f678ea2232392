import { describe, expect, it } from 'vitest';
import { Engine, type RestSide } from '../../../src/simulate/engine/index';

type J = Record<string, unknown>;
const embedded = (id: string, entities: J[], extra: J = {}): J => ({ _id: id, type: 'pipe', source: { type: 'embedded', entities }, ...extra });
const dtlPipe = (id: string, dataset: string, rules: J, extra: J = {}): J => ({
  _id: id,
  type: 'pipe',
  source: { type: 'dataset', dataset },
  transform: { type: 'dtl', rules },
  ...extra,
});
const live = (engine: Engine, id: string) => [...engine.datasets.get(id).live()];

/** Orders with the name of their customer, found by a hop joining `customer` to the customer's `joinOn`. */
const orderView = (joinOn: string) =>
  new Engine([
    dtlPipe('order-view', 'orders', {
      default: [
        ['copy', '*'],
        ['add', 'customer_name', ['first', ['hops', { datasets: ['customers c'], where: ['eq', '_S.customer', `c.${joinOn}`], return: 'c.name' }]]],
      ],
    }),
  ]);

describe('engine', () => {
  it('runs pipes into their default sink dataset and reaches a fixpoint', () => {
    const engine = new Engine([
      dtlPipe('upper', 'in', { default: [['copy', '*'], ['add', 'name', ['upper', '_S.name']], ['add', '_scratch', 1]] }),
      embedded('in', [{ _id: 'a', name: 'x' }]),
    ]);
    const first = engine.sync();
    expect(first.rounds).toBe(2);
    expect(live(engine, 'upper')).toMatchObject([{ _id: 'a', name: 'X' }]);
    expect(live(engine, 'upper')[0]!._scratch).toBeUndefined();
    expect(engine.sync().rounds).toBe(1);
  });

  it('orders pipes by the datasets they read, hops included, whatever the config order', () => {
    const engine = new Engine([
      dtlPipe('c', 'b', { default: [['copy', '*'], ['add', 'x', ['hops', { datasets: ['a a'], where: ['eq', '_S._id', 'a._id'] }]]] }),
      dtlPipe('b', 'in', { default: [['copy', '*']] }),
      embedded('a', []),
      embedded('in', []),
    ]);
    expect(engine.pipes.map((p) => p.id)).toEqual(['a', 'in', 'b', 'c']);
  });

  it('breaks dependency cycles the same way whatever the config order', () => {
    const a = dtlPipe('a', 'in', { default: [['copy', '*'], ['add', 'x', ['hops', { datasets: ['b b'], where: ['eq', '_S._id', 'b._id'] }]]] });
    const b = dtlPipe('b', 'in', { default: [['copy', '*'], ['add', 'x', ['hops', { datasets: ['a a'], where: ['eq', '_S._id', 'a._id'] }]]] });
    const src = embedded('in', []);
    const orders = [
      [a, b, src],
      [src, b, a],
    ].map((pipes) => new Engine(pipes).pipes.map((p) => p.id));
    expect(orders[0]).toEqual(orders[1]);
    expect(orders[0]![0]).toBe('in');
  });

  it('merge_datasets: latest takes the newest version, all keys them by dataset', () => {
    const md = (id: string, strategy: string) => ({ _id: id, type: 'pipe', source: { type: 'merge_datasets', datasets: ['x', 'y'], strategy } });
    const engine = new Engine([md('latest', 'latest'), md('all', 'all')]);
    engine.datasets.get('x').write({ _id: 'k', v: 'x1' });
    engine.datasets.get('y').write({ _id: 'k', v: 'y1' });
    engine.datasets.get('x').write({ _id: 'only-x', v: 'x' });
    engine.sync();
    expect(engine.datasets.get('latest').get('k')).toMatchObject({ v: 'y1' });
    engine.datasets.get('x').write({ _id: 'k', v: 'x2' });
    engine.sync();
    expect(engine.datasets.get('latest').get('k')).toMatchObject({ v: 'x2' });
    expect(engine.datasets.get('all').get('k')).toMatchObject({ x: { v: 'x2' }, y: { v: 'y1' } });
    expect(engine.datasets.get('all').get('only-x')).toMatchObject({ x: { v: 'x' } });
  });

  it('re-runs source entities whose hops hit a changed entity (dependency tracking)', () => {
    const engine = orderView('_id');
    const orders = engine.datasets.get('orders');
    const customers = engine.datasets.get('customers');
    customers.write({ _id: 'c1', name: 'Fjord' });
    customers.write({ _id: 'c2', name: 'Hav' });
    orders.write({ _id: 'o1', customer: 'c1' });
    orders.write({ _id: 'o2', customer: 'c2' });
    engine.sync();
    expect(engine.datasets.get('order-view').get('o1')).toMatchObject({ customer_name: 'Fjord' });
    customers.write({ _id: 'c1', name: 'Fjord AS' });
    const round = engine.runRound();
    expect(round.runs).toEqual([{ pipe: 'order-view', read: 1, written: 1 }]);
    expect(engine.datasets.get('order-view').get('o1')).toMatchObject({ customer_name: 'Fjord AS' });
    // A customer that appears later resolves a hop that found nothing before.
    orders.write({ _id: 'o3', customer: 'c3' });
    engine.runRound();
    expect(engine.datasets.get('order-view').get('o3')!.customer_name).toBeNull();
    customers.write({ _id: 'c3', name: 'Ny' });
    engine.runRound();
    expect(engine.datasets.get('order-view').get('o3')).toMatchObject({ customer_name: 'Ny' });
  });

  it('re-runs the source entities that found a hop target by a value the target no longer has', () => {
    const engine = orderView('code');
    const orders = engine.datasets.get('orders');
    const customers = engine.datasets.get('customers');
    customers.write({ _id: 'c1', code: 'K1', name: 'Fjord' });
    orders.write({ _id: 'o1', customer: 'K1' });
    orders.write({ _id: 'o2', customer: 'K9' });
    engine.sync();
    expect(engine.datasets.get('order-view').get('o1')).toMatchObject({ customer_name: 'Fjord' });
    // Only what the replaced version had at the path (K1) names o1; the new value (K9) names o2.
    customers.write({ _id: 'c1', code: 'K9', name: 'Fjord' });
    expect(engine.runRound().runs).toEqual([{ pipe: 'order-view', read: 2, written: 2 }]);
    expect(engine.datasets.get('order-view').get('o1')!.customer_name).toBeNull();
    expect(engine.datasets.get('order-view').get('o2')).toMatchObject({ customer_name: 'Fjord' });
    // Only datasets a pipe hops into keep replaced versions (what the tracker reads).
    expect(customers.keepsPrevious).toBe(true);
    expect(orders.keepsPrevious).toBe(false);
    expect(engine.datasets.get('order-view').keepsPrevious).toBe(false);
  });

  it('fails after max_rounds naming the pipes still changing', () => {
    const engine = new Engine([embedded('in', [{ _id: 'a' }]), dtlPipe('restless', 'in', { default: [['copy', '*'], ['add', 'nonce', ['uuid']]] })]);
    // `restless` only re-runs when its input changes, so keep the input changing too.
    const churn = new Engine([embedded('tick', [{ _id: 't' }], { transform: { type: 'dtl', rules: { default: [['copy', '*'], ['add', 'n', ['uuid']]] } } })]);
    expect(() => churn.sync(3)).toThrow(/did not reach a fixpoint within 3 rounds; still changing: tick/);
    expect(engine.sync().rounds).toBe(2);
  });

  it('emits children created with create-child', () => {
    const engine = new Engine([
      {
        _id: 'split',
        type: 'pipe',
        source: { type: 'dataset', dataset: 'orders' },
        transform: [
          { type: 'dtl', rules: { default: [['add', '_id', '_S._id'], ['create-child', ['apply', 'line', '_S.lines']]], line: [['copy', '*'], ['add', '_id', '_S.id'], ['add', 'order', '_P._S._id']] } },
          { type: 'emit_children' },
        ],
      },
    ]);
    engine.datasets.get('orders').write({ _id: 'o1', lines: [{ id: 'l1' }, { id: 'l2' }] });
    engine.sync();
    expect(live(engine, 'split')).toEqual([expect.objectContaining({ _id: 'l1', order: 'o1' }), expect.objectContaining({ _id: 'l2', order: 'o1' })]);
  });

  it('applies add_namespaces before the first transform and remove_namespaces after the last', () => {
    const engine = new Engine([
      embedded('people', [{ _id: '1', name: 'Kari' }], { add_namespaces: true, namespaced_identifiers: true }),
      dtlPipe('out', 'people', { default: [['copy', '*']] }, { remove_namespaces: true }),
    ]);
    engine.sync();
    expect(engine.datasets.get('people').get('people:1')).toMatchObject({ 'people:name': 'Kari' });
    expect(engine.datasets.get('out').get('people:1')).toMatchObject({ name: 'Kari' });
  });

  it('honours deletion_tracking on full runs and sends nothing to a null sink', () => {
    const rest: RestSide = {
      readSource: (_pipe, _source, state) => ((state.n = Number(state.n ?? 0) + 1) === 1 ? [{ _id: 'a' }, { _id: 'b' }] : [{ _id: 'a' }]),
      collect: (_p, es) => es,
      share: () => [],
      writes: () => ({}),
    };
    const full = (id: string, sink: J) => ({ _id: id, type: 'pipe', source: { type: 'rest', system: 's', operation: 'list' }, sink });
    const tracked = new Engine([full('t', { type: 'dataset' })], { rest });
    tracked.runRound();
    tracked.runRound();
    expect(tracked.datasets.get('t').get('b')!._deleted).toBe(true);
    const untracked = new Engine([full('u', { type: 'dataset', deletion_tracking: false }), full('n', { type: 'null' })], { rest });
    untracked.runRound();
    untracked.runRound();
    expect(untracked.datasets.get('u').get('b')!._deleted).toBeUndefined();
    expect(untracked.datasets.has('n')).toBe(false);
  });

  it('sets the populated flag per set_initial_offset', () => {
    const engine = new Engine([
      embedded('in', [{ _id: 'a' }]),
      dtlPipe('mid', 'in', { default: [['copy', '*']] }),
      dtlPipe('late', 'mid', { default: [['copy', '*']] }, { sink: { type: 'dataset', set_initial_offset: 'never' } }),
      dtlPipe('share', 'nothing-yet', { default: [['copy', '*']] }, { sink: { type: 'dataset', set_initial_offset: 'onload' } }),
    ]);
    expect(engine.datasets.get('share').populated).toBe(true);
    expect(engine.datasets.get('mid').populated).toBe(false);
    engine.sync();
    expect(engine.datasets.get('in').populated).toBe(true);
    expect(engine.datasets.get('mid').populated).toBe(true);
    expect(engine.datasets.get('late').populated).toBe(false);
  });

  it('hides $replaced entities with include_replaced: false', () => {
    const engine = new Engine([{ _id: 'p', type: 'pipe', source: { type: 'dataset', dataset: 'g', include_replaced: false } }]);
    engine.datasets.get('g').write({ _id: 'x', _deleted: true, $replaced: true });
    engine.datasets.get('g').write({ _id: 'y', v: 1 });
    engine.sync();
    expect([...engine.datasets.get('p').ids()]).toEqual(['y']);
  });

  it('merges through a merge source pipe and feeds the merged entities on', () => {
    const engine = new Engine([
      embedded('a', [{ _id: 'a1', mail: 'x@y' }]),
      embedded('b', [{ _id: 'b1', mail: 'x@y', phone: '1' }]),
      { _id: 'g', type: 'pipe', source: { type: 'merge', version: 2, datasets: ['a A', 'b B'], equality: [['eq', 'A.mail', 'B.mail']], identity: 'first', strategy: 'compact' } },
    ]);
    engine.sync();
    expect(live(engine, 'g')).toEqual([expect.objectContaining({ _id: 'a1', mail: 'x@y', phone: '1', $ids: ['~:a1', '~:b1'] })]);
  });

  it('hands template transforms to the REST side with the share dataset as a dataset view', () => {
    const seen: string[] = [];
    const rest: RestSide = {
      readSource: () => [],
      collect: (props, es, ctx) => es.map((e) => ({ ...e, _id: String(e[props.primary_key as string]), $origin: ctx.dataset(String(props.share_dataset))!.lookup('$generated_id', e.id)[0]?.$origin ?? null })),
      share: (_p, e, ctx) => {
        seen.push(`${ctx.pipeId}:${String(e._id)}`);
        return [{ ...e, $generated_id: 'n1', $origin: e._id }];
      },
      writes: () => ({ sys: seen.length }),
    };
    const engine = new Engine(
      [
        { _id: 'sys-x-collect', type: 'pipe', source: { type: 'dataset', dataset: 'sys-x-all' }, transform: { type: 'template', template: 'transform-collect-rest', properties: { primary_key: 'id', share_dataset: 'sys-x-share' } } },
        { _id: 'sys-x-share', type: 'pipe', source: { type: 'dataset', dataset: 'sys-x-transform' }, batch_size: 1, transform: { type: 'template', template: 'transform-share-rest', properties: { share_dataset: 'sys-x-share' } } },
      ],
      { rest },
    );
    expect(engine.pipes.map((p) => p.id)).toEqual(['sys-x-collect', 'sys-x-share']);
    engine.datasets.get('sys-x-transform').write({ _id: 'crm:1', name: 'n' });
    engine.datasets.get('sys-x-all').write({ _id: 'n1', id: 'n1' });
    engine.sync();
    expect(seen).toEqual(['sys-x-share:crm:1']);
    // The collect ran before the share existed; the share write re-ran it (dependency on the share dataset).
    expect(engine.datasets.get('sys-x-collect').get('n1')).toMatchObject({ $origin: 'crm:1' });
  });

  it('rejects unsupported pipe parts with the pipe id', () => {
    expect(() => new Engine([{ _id: 'p', type: 'pipe', source: { type: 'sql', table: 't' } }])).toThrow(/pipe p: source type "sql" is not supported/);
    expect(() => new Engine([{ _id: 'p', type: 'pipe', source: { type: 'embedded', entities: [] }, sink: { type: 'rest' } }])).toThrow(/pipe p: sink type "rest"/);
    expect(() => new Engine([embedded('p', [], { transform: { type: 'dtl', rules: { default: [['nosuch', 1]] } } })])).toThrow(/pipe p transform: invalid DTL/);
  });
});
