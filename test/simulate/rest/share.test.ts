import { describe, expect, it } from 'vitest';
import { MemoryDataset, type DtlContext, type Entity } from '../../../src/dtl';
import { CallFailure, basedOnMatches, emptyShareStats, shareRestTemplate, type ShareContext } from '../../../src/simulate/rest';
import { datasets, makeWorld, templateProperties, type TestWorld } from './world';

const dtlContext: DtlContext = { dataset: () => new MemoryDataset([]), now: () => new Date('2030-01-01T00:00:00Z'), uuid: () => '00000000-0000-4000-8000-000000000000' };
const context = (world: TestWorld, share: Entity[] = [], shareId = 'poweroffice-contactperson-share'): ShareContext => ({
  world,
  dataset: datasets({ [shareId]: share }),
  dtlContext,
  stats: emptyShareStats(),
});

const poContactShare = templateProperties('poweroffice-contactperson-share');
const crmOrderShare = templateProperties('customcrm-order-share');

const withCustomer = () => {
  const world = makeWorld();
  world.po.put('customers', { Id: 10001, Name: 'Fjord AS', LastChangedDateTimeOffset: '2026-01-01T09:00:00+00:00' });
  return world;
};

const insertEntity: Entity = {
  _id: 'customcrm-contact:ct-1',
  $ids: ['~:customcrm-contact:ct-1'],
  ContactId: 10001,
  ExternalCode: 'ct-1',
  FirstName: 'Kari',
  LastName: 'Nordmann',
  EmailAddress: 'kari@fjord.no',
  PhoneNumber: null,
};

describe('shareRestTemplate: insert', () => {
  it('posts the rewrite_insert_payload to the owner path and records $generated_id and $origin', () => {
    const world = withCustomer();
    const ctx = context(world);
    const out = shareRestTemplate(poContactShare, insertEntity, ctx);
    const post = world.po.log!.at(-1)!;
    expect(post).toMatchObject({ method: 'POST', path: 'ContactPersons/10001', status: 201 });
    // ContactId travels only in the path; add-if leaves nulls out.
    expect(post.body).toEqual({ ExternalCode: 'ct-1', FirstName: 'Kari', LastName: 'Nordmann', EmailAddress: 'kari@fjord.no' });
    expect(out).toEqual({
      _id: 'customcrm-contact:ct-1',
      $origin: 'customcrm-contact:ct-1',
      $generated_id: '20001',
      $ids: ['~:customcrm-contact:ct-1'],
      response: expect.objectContaining({ Id: 20001, ContactId: 10001 }),
    });
    expect(ctx.stats).toMatchObject({ inserted: 1, failed: 0 });
    expect(world.po.writes).toBe(1);
  });

  it('keeps an existing $origin and does not insert twice', () => {
    const world = withCustomer();
    const out = shareRestTemplate(poContactShare, { ...insertEntity, $origin: 'global-person:1' }, context(world));
    expect(out!.$origin).toBe('global-person:1');
    const again = shareRestTemplate(poContactShare, insertEntity, context(world, [out!]));
    expect(again).toBeUndefined();
    expect(world.po.writes).toBe(1);
  });

  it('fails the pipe at this entity (a CallFailure, retried on the next run) when the API refuses the insert', () => {
    const world = makeWorld(); // no customer 10001
    const ctx = context(world);
    const refused = (() => {
      try {
        shareRestTemplate(poContactShare, insertEntity, ctx);
      } catch (error) {
        return error;
      }
      return undefined;
    })();
    expect(refused).toBeInstanceOf(CallFailure);
    expect(refused).toMatchObject({ system: 'poweroffice', method: 'POST', path: 'ContactPersons/10001', status: 404, body: { Title: 'Not Found' }, transient: false });
    expect(ctx.stats!.failed).toBe(1);
    expect(() => shareRestTemplate(poContactShare, { ...insertEntity, LastName: null }, context(withCustomer()))).toThrow(/answered 400: .*required field is missing/);
  });

  it('without rewrite rules sends the entity without _ and $ properties', () => {
    const world = withCustomer();
    const { rewrite_rules_payload: _r, ...plain } = templateProperties('poweroffice-customers-share');
    const out = shareRestTemplate(plain, { _id: 'g:1', $ids: [], $origin: 'g:1', Name: 'New AS', EmailAddress: 'a@b.no' }, context(world, [], 'poweroffice-customers-share'));
    expect(world.po.log!.at(-1)!.body).toEqual({ Name: 'New AS', EmailAddress: 'a@b.no' });
    expect(out!.$generated_id).toBe('10002');
  });

  it('ignores deleted entities', () => {
    const world = withCustomer();
    expect(shareRestTemplate(poContactShare, { ...insertEntity, _deleted: true }, context(world))).toBeUndefined();
    expect(world.po.log).toEqual([]);
  });
});

describe('shareRestTemplate: update', () => {
  const setup = () => {
    const world = withCustomer();
    world.po.put('contactperson', { Id: 20001, ContactId: 10001, FirstName: 'Kari', LastName: 'Nordmann', EmailAddress: 'old@fjord.no', LastChangedDateTimeOffset: '2026-01-01T09:00:00+00:00' });
    return world;
  };
  const basedOn = { FirstName: 'Kari', LastName: 'Nordmann', EmailAddress: 'old@fjord.no' };
  const updateEntity = (desired: Entity, based: Entity = basedOn): Entity => ({
    _id: 'poweroffice-contactperson:20001',
    Id: 20001,
    ContactId: 10001,
    FirstName: 'Kari',
    LastName: 'Nordmann',
    EmailAddress: 'old@fjord.no',
    ...desired,
    $based_on: based,
    $based_on_properties: Object.keys(based),
  });

  it('patches only the changed properties as JSON Patch after the lookup', () => {
    const world = setup();
    const ctx = context(world);
    const out = shareRestTemplate(poContactShare, updateEntity({ EmailAddress: 'new@fjord.no' }), ctx);
    const [lookup, patch] = world.po.log!;
    expect(lookup).toMatchObject({ method: 'GET', path: 'ContactPersons/10001/20001', status: 200 });
    expect(patch).toMatchObject({ method: 'PATCH', path: 'ContactPersons/10001/20001', status: 200, body: [{ op: 'replace', path: '/EmailAddress', value: 'new@fjord.no' }] });
    expect(out).toEqual({ _id: 'poweroffice-contactperson:20001', response: expect.objectContaining({ EmailAddress: 'new@fjord.no' }) });
    expect(ctx.stats).toMatchObject({ updated: 1 });
  });

  it('makes no call when the payload is empty', () => {
    const world = setup();
    const ctx = context(world);
    expect(shareRestTemplate(poContactShare, updateEntity({}), ctx)).toBeUndefined();
    expect(world.po.writes).toBe(0);
    expect(ctx.stats).toMatchObject({ unchanged: 1, updated: 0 });
  });

  it('does not write when the record changed in the system since it was read (modified-in-system)', () => {
    const world = setup();
    world.po.edit('contactperson', { Id: 20001 }, { EmailAddress: 'edited@fjord.no' });
    const ctx = context(world);
    const out = shareRestTemplate(poContactShare, updateEntity({ EmailAddress: 'new@fjord.no' }), ctx);
    expect(out).toEqual({ _id: 'poweroffice-contactperson:20001', sesam_status: 'modified-in-system' });
    expect(world.po.writes).toBe(0);
    expect(ctx.stats!.modifiedInSystem).toBe(1);
    const forced = shareRestTemplate(poContactShare, { ...updateEntity({ EmailAddress: 'new@fjord.no' }), $unsafe_skip_optimistic_locking: true }, context(world));
    expect(forced).toHaveProperty('response');
    expect(world.po.writes).toBe(1);
  });

  it('writes nothing to a record that is gone from the system (deletes are not propagated), and says so', () => {
    const world = withCustomer();
    expect(shareRestTemplate(poContactShare, updateEntity({ EmailAddress: 'x' }), context(world))).toEqual({ _id: expect.any(String), sesam_status: 'gone' });
    expect(world.po.writes).toBe(0);
  });

  it('sends a partial JSON dict to the CRM and compares line lists without regard to order', () => {
    const world = makeWorld();
    world.crm.put('customer', { id: 'cu-1', name: 'Fjord AS' });
    world.crm.put('product', { id: 'pr-1', name: 'Widget' });
    world.crm.put('order', {
      id: 'or-1',
      customer_id: 'cu-1',
      status: 'draft',
      lines: [{ id: 'l-1', product_id: 'pr-1', quantity: 1 }, { id: 'l-2', product_id: 'pr-1', quantity: 2 }],
      updated_at: '2026-01-01T09:00:00+00:00',
    });
    const based = { customer_id: 'cu-1', status: 'draft', lines: [{ id: 'l-2', quantity: 2 }, { id: 'l-1', quantity: 1 }] };
    const entity: Entity = {
      _id: 'customcrm-order:or-1',
      id: 'or-1',
      customer_id: 'cu-1',
      status: 'confirmed',
      lines: [{ id: 'l-2', quantity: 2 }, { id: 'l-1', quantity: 1 }],
      $based_on: based,
      $based_on_properties: Object.keys(based),
    };
    const ctx = context(world, [], 'customcrm-order-share');
    const out = shareRestTemplate(crmOrderShare, entity, ctx);
    expect(world.crm.log!.at(-1)).toMatchObject({ method: 'PATCH', path: 'orders/or-1', body: { status: 'confirmed' }, status: 200 });
    expect(out).toMatchObject({ response: { status: 'confirmed' } });
  });
});

describe('basedOnMatches (optimistic locking equality)', () => {
  it('compares scalars, dict subsets and lists in any order', () => {
    expect(basedOnMatches(1, 1.0)).toBe(true);
    expect(basedOnMatches('1', 1)).toBe(false);
    expect(basedOnMatches(null, undefined)).toBe(true);
    expect(basedOnMatches(null, 'x')).toBe(false);
    expect(basedOnMatches({ a: 1 }, { a: 1, b: 2 })).toBe(true);
    expect(basedOnMatches({ a: 1, c: null }, { a: 1 })).toBe(true);
    expect(basedOnMatches({ a: 1 }, { a: 2 })).toBe(false);
    expect(basedOnMatches([{ k: 1 }, { k: 2 }], [{ k: 2, x: 0 }, { k: 1 }])).toBe(true);
    expect(basedOnMatches([{ k: 1 }, { k: 1 }], [{ k: 1 }, { k: 2 }])).toBe(false);
    expect(basedOnMatches([{ k: 1 }], [{ k: 1 }, { k: 2 }])).toBe(false);
    // Needs an augmenting path: {} would greedily take the first element.
    expect(basedOnMatches([{}, { k: 1 }], [{ k: 1 }, { k: 2 }])).toBe(true);
  });
});
