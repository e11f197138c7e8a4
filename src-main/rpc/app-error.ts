import { errorData, type AppErrorData, type ErrorCode, type FieldIssue } from '../../src-common/contract/index.ts';

/** Thrown by services; turned into `{code, message, remedy}` data at the transport edge. Never carries a stack across. */
export class AppError extends Error {
  readonly code: ErrorCode;
  /** invalid_input a service found (e.g. an IP allowlist entry): the rejected fields in words, as contract validation gives them */
  readonly fields?: FieldIssue[];
  constructor(code: ErrorCode, message: string, options?: { cause?: unknown; fields?: FieldIssue[] }) {
    super(message, options);
    this.name = 'AppError';
    this.code = code;
    if (options?.fields?.length) this.fields = options.fields;
  }
  toData(): AppErrorData {
    return errorData(this.code, this.message, this.fields);
  }
}

export function toErrorData(err: unknown): AppErrorData {
  if (err instanceof AppError) return err.toData();
  // Unknown failures cross as 'internal' with a generic message: stacks and raw messages may hold secrets.
  return errorData('internal', 'Unexpected failure inside Grantdesk');
}
