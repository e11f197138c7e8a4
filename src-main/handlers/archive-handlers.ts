import type { HandlerMap } from '../rpc/handlers.ts';
import { AppError } from '../rpc/app-error.ts';
import type { Services } from '../services/services.ts';

type ArchiveCommands = 'archive.create' | 'archive.verify' | 'archive.query';

export function archiveHandlers(s: Services): HandlerMap<ArchiveCommands> {
  return {
    'archive.create': (i, ctx) => s.archive.create(i, ctx.capabilities),
    'archive.verify': async (i, ctx) => {
      const report = await s.archive.verify(i, ctx.capabilities);
      // the CLI exits non-zero on a failed verification, as for exports; the app shows every check instead
      if (!report.ok && ctx.capabilities.failsOnFailedCheck) {
        throw new AppError('tamper_detected', `Verification FAILED for ${report.folder}\n  ${report.checks.filter((c) => !c.ok).map((c) => `${c.name}: ${c.detail}`).join('\n  ')}`);
      }
      return report;
    },
    'archive.query': (i, ctx) => s.archive.query(i, ctx.capabilities),
  };
}
