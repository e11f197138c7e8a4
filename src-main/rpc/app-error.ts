import { errorData, type AppErrorData, type ErrorCode } from '../../src-common/contract/index.ts';

/** Thrown by services; turned into `{code, message, remedy}` data at the transport edge. Never carries a stack across. */
export class AppError extends Error {
  readonly code: ErrorCode;
  constructor(code: ErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'AppError';
    this.code = code;
  }
  toData(): AppErrorData {
    return errorData(this.code, this.message);
  }
}

export function toErrorData(err: unknown): AppErrorData {
  if (err instanceof AppError) return err.toData();
  // Unknown failures cross as 'internal' with a generic message: stacks and raw messages may hold secrets.
  return errorData('internal', 'Unexpected failure inside Grantdesk');
}
