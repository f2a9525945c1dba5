/**
 * The process's last line of defence. An unhandled promise rejection or an uncaught exception
 * means some path forgot its own error handling; the process state is then unknown, so it is not
 * kept running. Instead of Node's stack dump on stderr, it leaves ONE fatal log line (the error,
 * which kind of failure it was, and the caller's context, e.g. whether it was shutting down)
 * and exits non-zero, so a supervisor restarts it and the log says why.
 */
import type { Logger } from './logger.js';

/** The exit code after an uncaught exception or unhandled rejection (Node's own for both). */
export const FATAL_EXIT_CODE = 1;

export interface ProcessGuardOptions {
  logger: Logger;
  /** Fields added to the fatal line, read when it is written (e.g. `{ phase: 'stopping' }`). */
  context?: () => Record<string, unknown>;
  /** Ends the process. @default process.exit */
  exit?: (code: number) => void;
  /** @default process */
  target?: NodeJS.Process;
}

/**
 * Installs the handlers; returns a function that removes them. A failure while the fatal line is
 * written (or in `context`) still exits.
 */
export function installProcessGuards(options: ProcessGuardOptions): () => void {
  const target = options.target ?? process;
  const exit = options.exit ?? ((code: number) => process.exit(code));
  let exiting = false;

  const fatal = (kind: 'unhandledRejection' | 'uncaughtException', error: unknown, origin?: string): void => {
    // A second failure while the first is being reported adds nothing but noise.
    if (exiting) return;
    exiting = true;
    try {
      const context = options.context?.() ?? {};
      options.logger.fatal(
        { ...context, event: kind, ...(origin ? { origin } : {}), err: error },
        kind === 'unhandledRejection' ? 'unhandled promise rejection: exiting' : 'uncaught exception: exiting',
      );
      options.logger.flush?.();
    } finally {
      exit(FATAL_EXIT_CODE);
    }
  };
  const onRejection = (reason: unknown): void => fatal('unhandledRejection', reason);
  const onException = (error: Error, origin: NodeJS.UncaughtExceptionOrigin): void => fatal('uncaughtException', error, origin);
  target.on('unhandledRejection', onRejection);
  target.on('uncaughtException', onException);
  return () => {
    target.off('unhandledRejection', onRejection);
    target.off('uncaughtException', onException);
  };
}
