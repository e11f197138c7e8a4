// Background task progress from main's task.progress events (sync, export, rotation...). Labels are data: render as text.
import { createStore, type StoreApi } from 'zustand/vanilla';
import type { GrantdeskApi } from '../../../src-common/contract/api.ts';
import type { EventPayload } from '../../../src-common/contract/index.ts';

export type TaskProgress = EventPayload<'task.progress'>;

export interface TasksState {
  tasks: Record<string, TaskProgress>;
  connect(): () => void;
  clearFinished(): void;
}

export type TasksStore = StoreApi<TasksState>;

export function createTasksStore(api: GrantdeskApi): TasksStore {
  return createStore<TasksState>()((set) => ({
    tasks: {},
    connect() {
      return api.onTaskProgress((p) => set((s) => ({ tasks: { ...s.tasks, [p.taskId]: p } })));
    },
    clearFinished() {
      set((s) => ({ tasks: Object.fromEntries(Object.entries(s.tasks).filter(([, t]) => t.state === 'running')) }));
    },
  }));
}

export const selectTasks = (s: TasksState) => s.tasks;
export function runningTasks(tasks: Record<string, TaskProgress>): TaskProgress[] {
  return Object.values(tasks).filter((t) => t.state === 'running');
}
/** the most recently finished (failed/cancelled/done) task, for the status bar when nothing runs */
export function lastFinished(tasks: Record<string, TaskProgress>): TaskProgress | null {
  const done = Object.values(tasks).filter((t) => t.state !== 'running');
  return done.length ? done[done.length - 1]! : null;
}
