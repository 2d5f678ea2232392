import { describe, expect, it } from 'vitest';
import { readRestSource } from '../../../src/simulate/rest';
import { makeWorld, pipeConfig } from './world';

const source = (pipe: string) => pipeConfig(pipe).source as Record<string, unknown>;

describe('readRestSource', () => {
  it('reads every page until a short page, sets _id and _updated, returns the largest _updated as since', () => {
    const world = makeWorld();
    for (let i = 1; i <= 250; i++) {
      world.crm.put('customer', { id: `cu-${String(i).padStart(3, '0')}`, name: `C${i}`, updated_at: new Date(Date.UTC(2026, 0, 1, 0, 0, i)).toISOString().replace('.000Z', '+00:00') });
    }
    const r = readRestSource(source('customcrm-customer-all'), world, {});
    expect(r.entities).toHaveLength(250);
    expect(r.pages).toBe(3);
    expect(world.crm.log!.map((l) => l.query)).toEqual([
      { page: '1', page_size: '100' },
      { page: '2', page_size: '100' },
      { page: '3', page_size: '100' },
    ]);
    expect(r.entities[0]).toMatchObject({ _id: 'cu-001', _updated: '2026-01-01T00:00:01+00:00', name: 'C1' });
    expect(r.since).toBe('2026-01-01T00:04:10+00:00');
  });

  it('stops on an empty page when the last page is full', () => {
    const world = makeWorld();
    for (let i = 0; i < 100; i++) world.crm.put('product', { id: `p${i}`, name: 'x', updated_at: '2026-01-01T09:00:00+00:00' });
    const r = readRestSource(source('customcrm-product-all'), world);
    expect(r.pages).toBe(2);
    expect(r.entities).toHaveLength(100);
  });

  it('passes since as the operation since_property_name and reads only newer records; full reads ignore it', () => {
    const world = makeWorld();
    world.po.put('customers', { Id: 1, Name: 'Old', LastChangedDateTimeOffset: '2026-01-01T08:00:00+00:00' });
    world.po.put('customers', { Id: 2, Name: 'New', LastChangedDateTimeOffset: '2026-01-01T09:00:00+00:00' });
    const first = readRestSource(source('poweroffice-customers-all'), world, {});
    expect(first.entities.map((e) => e._id)).toEqual(['1', '2']);
    expect(first.since).toBe('2026-01-01T09:00:00+00:00');
    world.po.log!.length = 0;
    const again = readRestSource(source('poweroffice-customers-all'), world, { since: first.since });
    expect(again.entities).toEqual([]);
    expect(again.since).toBe(first.since);
    expect(world.po.log![0]!.query).toEqual({ PageNumber: '1', PageSize: '1000', lastChangedDateTimeOffsetGreaterThan: '2026-01-01T09:00:00+00:00' });
    expect(world.po.log![0]!.status).toBe(204);
    world.po.edit('customers', { Id: 1 }, { Name: 'Edited' });
    const third = readRestSource(source('poweroffice-customers-all'), world, { since: first.since });
    expect(third.entities).toEqual([expect.objectContaining({ _id: '1', Name: 'Edited', _updated: '2026-01-01T10:00:00+00:00' })]);
    expect(third.since).toBe('2026-01-01T10:00:00+00:00');
    const full = readRestSource(source('poweroffice-customers-all'), world, { since: third.since }, { full: true });
    expect(full.entities).toHaveLength(2);
  });

  it('does not pass since when the source does not support it', () => {
    const world = makeWorld();
    readRestSource({ ...source('customcrm-contact-all'), supports_since: false }, world, { since: '2026-01-01T00:00:00+00:00' });
    expect(world.crm.log![0]!.query).not.toHaveProperty('updated_since');
  });

  it('fails with the status and body when the API refuses the list call', () => {
    const world = makeWorld();
    expect(() => readRestSource(source('customcrm-contact-all'), world, { since: 'not-a-date' })).toThrow(/GET contacts on customcrm answered 400/);
  });
});
