import { DEFAULT_SETTINGS, settingsSchema, type Settings } from '../../src-common/contract/index.ts';
import type { Db } from '../ports/db.ts';
import type { EventBus } from '../ports/events.ts';

export interface SettingsService {
  get(): Settings;
  update(patch: Partial<Settings>): Settings;
}

export function createSettingsService(db: Db, bus: EventBus): SettingsService {
  const select = db.prepare<[], { value: string }>("SELECT value FROM settings WHERE key = 'app'");
  const upsert = db.prepare("INSERT INTO settings (key, value) VALUES ('app', ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value");
  const get = (): Settings => {
    const row = select.get();
    if (!row) return { ...DEFAULT_SETTINGS };
    // Stored settings from an older version get new keys from the defaults.
    const merged = settingsSchema.safeParse({ ...DEFAULT_SETTINGS, ...(JSON.parse(row.value) as object) });
    return merged.success ? merged.data : { ...DEFAULT_SETTINGS };
  };
  return {
    get,
    update(patch) {
      const next = settingsSchema.parse({ ...get(), ...patch });
      upsert.run(JSON.stringify(next));
      bus.emit('state.changed', { topic: 'settings', workspaceId: null });
      return next;
    },
  };
}
