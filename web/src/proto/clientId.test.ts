import { describe, expect, it } from 'vitest';
import { newClientId } from './clientId';

describe('newClientId', () => {
  it('is a version 7 UUID', () => {
    const id = newClientId();
    expect(id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
  });

  it('starts with the time in milliseconds', () => {
    const now = 1795315740169;
    const id = newClientId(now);
    expect(parseInt(id.slice(0, 8) + id.slice(9, 13), 16)).toBe(now);
  });

  it('sorts later ids later, and does not repeat', () => {
    const ids = [1795315740169, 1795315740170, 1795315741000, 1895315741000].map((t) => newClientId(t));
    expect([...ids].sort()).toEqual(ids);
    const many = new Set(Array.from({ length: 1000 }, () => newClientId(1795315740169)));
    expect(many.size).toBe(1000);
  });
});
