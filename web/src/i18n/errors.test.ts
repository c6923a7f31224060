import { describe, expect, it } from 'vitest';
import { formatDateTime } from '../format';
import { errorMessage } from './errors';
import { translator } from './index';

describe('error texts', () => {
  const forbidden = { code: 'forbidden', message: 'you are muted in this group until 2026-11-22 03:49:00 UTC', fromServer: true };

  it('never show the server text in Chinese', () => {
    const zh = translator('zh');
    expect(errorMessage(zh, { code: 'bad_request', message: 'username must start with a letter', field: 'username', fromServer: true })).toBe('输入有误 （username）');
    expect(errorMessage(zh, { code: 'forbidden', message: 'blocked', fromServer: true })).not.toContain('blocked');
  });

  it('show a mute by its end in local time', () => {
    const until = 1795319340169;
    expect(errorMessage(translator('zh'), { ...forbidden, until })).toBe(translator('zh')('chat.muted', { time: formatDateTime(until) }));
    expect(errorMessage(translator('en'), { ...forbidden, until })).toBe(`You are muted until ${formatDateTime(until)}`);
  });

  it('add the server detail in English, and fall back for unknown codes', () => {
    expect(errorMessage(translator('en'), { code: 'conflict', message: 'the name is taken', fromServer: true })).toBe('Already exists, or it changed meanwhile: the name is taken');
    expect(errorMessage(translator('en'), { code: 'timeout', message: 'no answer to message_send' })).toBe('The server did not answer');
    expect(errorMessage(translator('zh'), { code: 'weird' })).toBe('出错了');
  });
});
