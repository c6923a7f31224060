import { describe, expect, it } from 'vitest';
import { dayKey, dayLabel, formatDuration, formatListTime, initial, parseDateInput, titleWithBadge, truncateUtf8, usableImageSrc, utf8Length } from './format';

const now = new Date(2026, 10, 30, 15, 0).getTime(); // 30 Nov 2026, local
const words = { today: 'Today', yesterday: 'Yesterday' };

describe('format', () => {
  it('formats list times by age', () => {
    expect(formatListTime(new Date(2026, 10, 30, 8, 5).getTime(), now)).toBe('08:05');
    expect(formatListTime(new Date(2026, 10, 29, 23, 59).getTime(), now)).toBe('11/29');
    expect(formatListTime(new Date(2026, 0, 2).getTime(), now)).toBe('1/2');
    expect(formatListTime(new Date(2025, 11, 31).getTime(), now)).toBe('2025/12/31');
    expect(formatListTime(0, now)).toBe('');
  });

  it('labels day separators', () => {
    expect(dayLabel(new Date(2026, 10, 30, 0, 1).getTime(), words, now)).toBe('Today');
    expect(dayLabel(new Date(2026, 10, 29, 12).getTime(), words, now)).toBe('Yesterday');
    expect(dayLabel(new Date(2026, 10, 28, 12).getTime(), words, now)).toBe('11/28');
    expect(dayLabel(new Date(2024, 1, 29).getTime(), words, now)).toBe('2024/2/29');
    // yesterday across a month boundary
    const dec1 = new Date(2026, 11, 1, 9).getTime();
    expect(dayLabel(new Date(2026, 10, 30, 22).getTime(), words, dec1)).toBe('Yesterday');
  });

  it('keys days by local date', () => {
    expect(dayKey(new Date(2026, 10, 30, 0, 0).getTime())).toBe(dayKey(new Date(2026, 10, 30, 23, 59).getTime()));
    expect(dayKey(new Date(2026, 10, 30).getTime())).not.toBe(dayKey(new Date(2026, 10, 29).getTime()));
  });

  it('parses date inputs', () => {
    expect(parseDateInput('2026-11-30')).toBe(new Date(2026, 10, 30).getTime());
    expect(parseDateInput('')).toBeNaN();
  });

  it('formats durations, initials and the title badge', () => {
    expect(formatDuration(90 * 60 * 1000)).toBe('1h 30m');
    expect(formatDuration(2 * 86400 * 1000)).toBe('2d');
    expect(formatDuration(42 * 1000)).toBe('42s');
    expect(initial('  bob')).toBe('B');
    expect(initial('爱丽丝')).toBe('爱');
    expect(initial('😀x')).toBe('😀');
    expect(titleWithBadge(0)).toBe('Parley');
    expect(titleWithBadge(3)).toBe('(3) Parley');
    expect(titleWithBadge(120)).toBe('(99+) Parley');
  });
});

describe('avatar sources', () => {
  const page = 'https://chat.example.com/app';
  it('allow data: images and the page origin only', () => {
    expect(usableImageSrc('data:image/png;base64,AAAA', page)).toBe(true);
    expect(usableImageSrc('/files/a.png', page)).toBe(true);
    expect(usableImageSrc('https://chat.example.com/a.png', page)).toBe(true);
    expect(usableImageSrc('/\\evil.com/x.png', page)).toBe(false);
    expect(usableImageSrc('//evil.com/x.png', page)).toBe(false);
    expect(usableImageSrc('https://evil.com/x.png', page)).toBe(false);
    expect(usableImageSrc('javascript:alert(1)', page)).toBe(false);
    expect(usableImageSrc('', page)).toBe(false);
  });
});

describe('UTF-8 limits', () => {
  it('count and cut by bytes, never inside a character', () => {
    expect(utf8Length('ab')).toBe(2);
    expect(utf8Length('菠萝')).toBe(6);
    expect(utf8Length('👋')).toBe(4);
    expect(truncateUtf8('abc', 64)).toBe('abc');
    expect(truncateUtf8('菠萝菠萝', 7)).toBe('菠萝');
    expect(truncateUtf8('a👋b', 4)).toBe('a');
    expect(truncateUtf8('a👋b', 5)).toBe('a👋');
    expect(utf8Length(truncateUtf8('搜'.repeat(40), 64))).toBe(63);
  });
});
