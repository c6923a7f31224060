import { describe, expect, it } from 'vitest';
import { en } from './en';
import { zh } from './zh';
import { detectLang, interpolate, translator } from './index';

describe('i18n', () => {
  it('zh and en have exactly the same keys, none empty', () => {
    expect(Object.keys(zh).sort()).toEqual(Object.keys(en).sort());
    for (const [k, v] of Object.entries({ ...en })) expect(v, k).not.toBe('');
    for (const [k, v] of Object.entries(zh)) expect(v, k).not.toBe('');
  });

  it('uses the same placeholders in both languages', () => {
    const ph = (s: string) => (s.match(/\{\w+\}/g) ?? []).sort().join(',');
    for (const k of Object.keys(en) as Array<keyof typeof en>) expect(ph(zh[k]), k).toBe(ph(en[k]));
  });

  it('interpolates parameters', () => {
    expect(interpolate('{a} and {b}', { a: 1, b: 'x' })).toBe('1 and x');
    expect(interpolate('{a} {missing}', { a: 1 })).toBe('1 {missing}');
    expect(translator('zh')('chat.typing', { name: 'Bob' })).toBe('Bob 正在输入…');
    expect(translator('en')('chat.typing', { name: 'Bob' })).toBe('Bob is typing…');
  });

  it('detects the language from storage, then the browser', () => {
    expect(detectLang('en', ['zh-CN'])).toBe('en');
    expect(detectLang(null, ['zh-TW', 'en'])).toBe('zh');
    expect(detectLang(null, ['fr-FR', 'en-US'])).toBe('en');
    expect(detectLang('bogus', ['de'])).toBe('en');
  });
});
