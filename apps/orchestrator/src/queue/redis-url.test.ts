import { describe, expect, it } from 'vitest';
import { queueUrlOption, redactUrl, redisOptions } from './redis-url.ts';

describe('--queue URLs', () => {
  it('give host, port, database, credentials and TLS, decoding escaped passwords', () => {
    expect(redisOptions('redis://127.0.0.1:6380/2')).toEqual({ host: '127.0.0.1', port: 6380, db: 2, maxRetriesPerRequest: null });
    expect(redisOptions('redis://queue.example')).toMatchObject({ host: 'queue.example', port: 6379, db: 0 });
    expect(redisOptions('rediss://ldinv:p%40ss%3Aw0rd@[::1]:7000/1')).toEqual({
      host: '::1', port: 7000, db: 1, username: 'ldinv', password: 'p@ss:w0rd', tls: {}, maxRetriesPerRequest: null,
    });
    expect(redisOptions('redis://:secret@h/0')).toMatchObject({ password: 'secret' });
    expect(redisOptions('redis://:secret@h/0')).not.toHaveProperty('username');
  });

  it('never show a password, not even in the error about a bad URL', () => {
    expect(redactUrl('redis://:secret@h:1/0')).toBe('redis://:***@h:1/0');
    expect(redactUrl('rediss://u:secret@h/0')).toBe('rediss://u:***@h/0');
    expect(redactUrl('redis://h:1/0')).toBe('redis://h:1/0');
    expect(() => redisOptions('http://:secret@h/0')).toThrow('--queue http://:***@h/0: scheme must be redis: or rediss: (TLS), got http:');
    expect(() => redisOptions('redis://:secret@h/zero')).toThrow("--queue redis://:***@h/zero: database must be a number after the host (/0), got 'zero'");
    expect(() => redisOptions('redis://:se cret@h:port')).toThrow(/^--queue \*\*\*@h:port: not a URL/);
    expect(() => redisOptions('redis://h/0?tls=1')).toThrow('--queue redis://h/0?tls=1: query and fragment are not supported');
  });

  it('come as --queue or --redis (the name in docs/DESIGN.md); two different ones are refused without their passwords', () => {
    expect(queueUrlOption({ redis: 'redis://h/0' })).toBe('redis://h/0');
    expect(queueUrlOption({ queue: 'redis://h/1', redis: 'redis://h/1' })).toBe('redis://h/1');
    expect(queueUrlOption({})).toBeUndefined();
    expect(() => queueUrlOption({ queue: 'redis://:a@h/0', redis: 'redis://:b@h/1' })).toThrow(
      '--queue redis://:***@h/0 and --redis redis://:***@h/1: they name the same thing, give one',
    );
  });
});
