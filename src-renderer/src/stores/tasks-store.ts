// Background task progress from main's task.progress events (sync, export, rotation...). Labels are data: render as text.
// When a task finishes (done, failed or cancelled) a toast is queued for components/Toast.tsx: one per task and outcome,
// with a link to where its result is.
import { createStore, type StoreApi } from 'zustand/vanilla';
import type { GrantdeskApi } from '../../../src-common/contract/api.ts';
import type { EventPayload } from '../../../src-common/contract/index.ts';

export type TaskProgress = EventPayload<'task.progress'>;

export interface TaskToast {
  id: string;
  taskId: string;
  tone: 'success' | 'warning' | 'danger';
  title: string;
  detail: string | null;
  link: { href: string; text: string } | null;
}

export interface TasksState {
  tasks: Record<string, TaskProgress>;
  toasts: TaskToast[];
  connect(): () => void;
  clearFinished(): void;
  dismissToast(id: string): void;
}

export type TasksStore = StoreApi<TasksState>;

/** where a finished task's result lives, by its kind */
export function resultLink(kind: string): { href: string; text: string } | null {
  if (kind === 'audit.sync') return { href: '#/audit', text: 'Open the audit explorer' };
  if (kind === 'audit.export' || kind === 'review.evidence') return { href: '#/exports', text: 'Open exports' };
  if (kind.startsWith('inventory') || kind.includes('revoke')) return { href: '#/credentials', text: 'Open credentials' };
  if (kind === 'connect' || kind === 'bulk-connect') return { href: '#/workspaces', text: 'Open workspaces' };
  if (kind.startsWith('rotation')) return { href: '#/rotation', text: 'Open rotation' };
  return null;
}

export function toastFor(t: TaskProgress): TaskToast {
  const count = t.total !== null ? `${t.done.toLocaleString()} of ${t.total.toLocaleString()}` : t.done.toLocaleString();
  const tone = t.state === 'done' ? 'success' : t.state === 'cancelled' ? 'warning' : 'danger';
  const verb = t.state === 'done' ? 'finished' : t.state === 'cancelled' ? 'was cancelled' : 'did not finish';
  return {
    id: `${t.taskId}:${t.state}`,
    taskId: t.taskId,
    tone,
    title: `${t.label} ${verb}`,
    detail: t.message ?? (t.state === 'done' ? `${count} done.` : `${count} done before it stopped.`),
    link: resultLink(t.kind),
  };
}

export function createTasksStore(api: GrantdeskApi): TasksStore {
  return createStore<TasksState>()((set) => ({
    tasks: {},
    toasts: [],
    connect() {
      return api.onTaskProgress((p) =>
        set((s) => {
          const tasks = { ...s.tasks, [p.taskId]: p };
          if (p.state === 'running') return { tasks };
          const toast = toastFor(p);
          // one toast per task and outcome (a repeated final event does not stack)
          return { tasks, toasts: s.toasts.some((x) => x.id === toast.id) ? s.toasts : [...s.toasts, toast].slice(-4) };
        }),
      );
    },
    clearFinished() {
      set((s) => ({ tasks: Object.fromEntries(Object.entries(s.tasks).filter(([, t]) => t.state === 'running')) }));
    },
    dismissToast(id) {
      set((s) => ({ toasts: s.toasts.filter((t) => t.id !== id) }));
    },
  }));
}

export const selectTasks = (s: TasksState) => s.tasks;
export const selectToasts = (s: TasksState) => s.toasts;
export function runningTasks(tasks: Record<string, TaskProgress>): TaskProgress[] {
  return Object.values(tasks).filter((t) => t.state === 'running');
}
/** the most recently finished (failed/cancelled/done) task, for the status bar when nothing runs */
export function lastFinished(tasks: Record<string, TaskProgress>): TaskProgress | null {
  const done = Object.values(tasks).filter((t) => t.state !== 'running');
  return done.length ? done[done.length - 1]! : null;
}
