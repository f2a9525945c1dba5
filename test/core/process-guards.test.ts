/**
 * The process guards: an unhandled rejection or an uncaught exception leaves one fatal log line
 * (error, kind, the caller's context) and exits non-zero — in process on a stand-in `process`,
 * and on a real child process started through a test entry that installs the same guards as
 * src/main.ts.
 */
import { EventEmitter } from 'node:events';
import { afterEach, describe, expect, it } from 'vitest';
import { FATAL_EXIT_CODE, installProcessGuards } from '../../src/core/process-guards.js';
import { captureLogs, LEVEL } from '../support/log-capture.js';
import { startServiceProcess, type ServiceProcess } from '../support/service-process.js';

describe('installProcessGuards (in process)', () => {
  const setup = () => {
    const target = new EventEmitter();
    const exits: number[] = [];
    const { logger, lines } = captureLogs();
    const uninstall = installProcessGuards({
      logger,
      target: target as NodeJS.Process,
      exit: (code) => exits.push(code),
      context: () => ({ phase: 'stopping' }),
    });
    return { target, exits, lines, uninstall };
  };

  it('an unhandled rejection: one fatal line with the error and the context, then exit 1', () => {
    const { target, exits, lines } = setup();
    target.emit('unhandledRejection', new Error('lost'), Promise.resolve());
    expect(exits).toEqual([FATAL_EXIT_CODE]);
    expect(FATAL_EXIT_CODE).not.toBe(0);
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatchObject({ level: LEVEL.fatal, event: 'unhandledRejection', phase: 'stopping', err: { type: 'Error', message: 'lost' } });
    expect((lines[0]!.err as { stack: string }).stack).toContain('process-guards.test.ts');
  });

  it('an uncaught exception: the same, with its origin', () => {
    const { target, exits, lines } = setup();
    target.emit('uncaughtException', new TypeError('bad'), 'uncaughtException');
    expect(exits).toEqual([FATAL_EXIT_CODE]);
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatchObject({ level: LEVEL.fatal, event: 'uncaughtException', origin: 'uncaughtException', err: { type: 'TypeError', message: 'bad' } });
  });

  it('a rejection with a non-Error reason is still logged; a second failure adds nothing', () => {
    const { target, exits, lines } = setup();
    target.emit('unhandledRejection', 'just a string', Promise.resolve());
    target.emit('uncaughtException', new Error('second'), 'uncaughtException');
    expect(exits).toEqual([FATAL_EXIT_CODE]);
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatchObject({ event: 'unhandledRejection', err: 'just a string' });
  });

  it('exits even when the context throws; uninstalling removes both handlers', () => {
    const target = new EventEmitter();
    const exits: number[] = [];
    const uninstall = installProcessGuards({
      logger: captureLogs().logger,
      target: target as NodeJS.Process,
      exit: (code) => exits.push(code),
      context: () => {
        throw new Error('context broke');
      },
    });
    expect(() => target.emit('uncaughtException', new Error('x'), 'uncaughtException')).toThrow('context broke');
    expect(exits).toEqual([FATAL_EXIT_CODE]);
    uninstall();
    expect(target.listenerCount('unhandledRejection') + target.listenerCount('uncaughtException')).toBe(0);
  });
});

describe('process guards on a real process', () => {
  let proc: ServiceProcess | null = null;
  afterEach(async () => {
    await proc?.dispose();
    proc = null;
  });

  for (const [crash, event, message] of [
    ['rejection', 'unhandledRejection', 'nobody handled this'],
    ['exception', 'uncaughtException', 'thrown from a timer'],
  ] as const) {
    it(`${event}: one fatal JSON line with the error, exit 1, no stack dump on stderr`, { timeout: 60_000 }, async () => {
      proc = await startServiceProcess({ CRASH: crash }, { entry: 'test/e2e/fixtures/crash-entry.ts', ready: (line) => line.msg === 'crash entry ready' });
      const code = await proc.exited;
      expect(code).toBe(1);
      const fatal = proc.logs.filter((line) => line.level === LEVEL.fatal);
      expect(fatal).toHaveLength(1);
      expect(fatal[0]).toMatchObject({ event, phase: 'serving', err: { message } });
      expect(proc.stderr()).not.toMatch(/Error|node:internal/);
    });
  }
});
