import type { HandlerMap } from '../rpc/handlers.ts';
import type { Services } from '../services/services.ts';
import { AppError } from '../rpc/app-error.ts';

type AuditCommands = 'audit.sync' | 'audit.query' | 'audit.timeline' | 'audit.event' | 'audit.status' | 'audit.export' | 'audit.cancel' | 'audit.verify' | 'audit.exports' | 'audit.summary' | 'audit.openExport';

export function auditHandlers(s: Services): HandlerMap<AuditCommands> {
  return {
    'audit.sync': (i) => s.audit.sync(i),
    'audit.query': (i) => s.audit.query(i),
    'audit.timeline': (i) => s.audit.timeline(i),
    'audit.event': (i) => s.audit.event(i.workspaceId, i.seq),
    'audit.status': (i) => s.audit.status(i.workspaces),
    'audit.export': async (i, ctx) => {
      const r = await s.audit.export(i, ctx.capabilities);
      return { exportId: r.exportId, path: r.path, manifestPath: r.manifestPath, rowCount: r.rowCount, byteLength: r.byteLength, sha256: r.sha256 };
    },
    'audit.cancel': (i) => s.audit.cancel(i.taskId),
    'audit.verify': async (i, ctx) => {
      // `grantdesk verify DIR` on an archive folder checks the archive (archive.verify), in this command's report shape
      if (i.manifest && s.archive.isArchiveFolder(i.manifest, ctx.capabilities)) {
        const a = await s.archive.verify({ archive: i.manifest }, ctx.capabilities);
        const report = { ok: a.ok, manifestPath: a.folder, exportId: a.archives.join(', '), checks: a.checks };
        if (!report.ok && ctx.capabilities.failsOnFailedCheck) {
          throw new AppError('tamper_detected', `Verification FAILED for ${a.folder}\n  ${a.checks.filter((c) => !c.ok).map((c) => `${c.name}: ${c.detail}`).join('\n  ')}`);
        }
        return report;
      }
      const report = await s.audit.verify(i, ctx.capabilities);
      // The CLI exits non-zero on a failed verification; the app shows every check instead.
      if (!report.ok && ctx.capabilities.failsOnFailedCheck) {
        const failed = report.checks.filter((c) => !c.ok).map((c) => `${c.name}: ${c.detail}`);
        throw new AppError('tamper_detected', `Verification FAILED for ${report.manifestPath}\n  ${failed.join('\n  ')}`);
      }
      return report;
    },
    'audit.exports': (i) => s.audit.exports(i.limit),
    'audit.summary': (i) => s.audit.summary(i),
    'audit.openExport': (i) => s.audit.openExport(i.exportId),
  };
}
