import { describe, expect, it } from 'vitest';
import { LogicalClock, formatInstant, parseOffsetDateTime } from '../../../src/simulate/clock';

describe('LogicalClock', () => {
  it('formats with +00:00 and no milliseconds unless needed', () => {
    const c = new LogicalClock('2026-03-04T05:06:07Z');
    expect(c.iso()).toBe('2026-03-04T05:06:07+00:00');
    expect(formatInstant(Date.parse('2026-03-04T05:06:07.250Z'))).toBe('2026-03-04T05:06:07.250+00:00');
  });

  it('tick advances one second and returns the new instant; stamp returns the current one then advances', () => {
    const c = new LogicalClock('2026-01-01T00:00:00+00:00');
    expect(c.tick().toISOString()).toBe('2026-01-01T00:00:01.000Z');
    expect(c.now().toISOString()).toBe('2026-01-01T00:00:01.000Z');
    expect(c.stamp()).toBe('2026-01-01T00:00:01+00:00');
    expect(c.iso()).toBe('2026-01-01T00:00:02+00:00');
  });

  it('forScenario starts one second after the latest offset timestamp at any depth', () => {
    const c = LogicalClock.forScenario([
      { id: 'a', updated_at: '2026-01-01T10:00:00+00:00' },
      { nested: { list: [{ t: '2026-01-01T12:00:00+02:00' }, { t: '2026-01-01T10:30:00Z' }] } },
      { notATimestamp: '2027-01-01', noOffset: '2028-01-01T00:00:00', text: 'hello' },
    ]);
    expect(c.iso()).toBe('2026-01-01T10:30:01+00:00');
  });

  it('forScenario starts at 2030-01-01T00:00:00Z without timestamps', () => {
    expect(LogicalClock.forScenario([]).iso()).toBe('2030-01-01T00:00:00+00:00');
    expect(LogicalClock.forScenario([{ a: 1, b: ['x'] }]).iso()).toBe('2030-01-01T00:00:00+00:00');
  });

  it('parses offsets with and without colon, rejects dates without offset', () => {
    expect(parseOffsetDateTime('2026-01-01T10:00:00+0100')).toBe(Date.parse('2026-01-01T09:00:00Z'));
    expect(parseOffsetDateTime('2026-01-01T10:00:00')).toBeUndefined();
    expect(parseOffsetDateTime('2026-01-01')).toBeUndefined();
  });

  it('rejects an invalid start with an input error', () => {
    expect(() => new LogicalClock('yesterday')).toThrow(/invalid clock start "yesterday"/);
    try {
      new LogicalClock('yesterday');
    } catch (e) {
      expect((e as { kind: string }).kind).toBe('input');
    }
  });
});
