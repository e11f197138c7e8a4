// Fields that carry a freshly issued secret, shown exactly once.
//
// Secrets: a field built with `secretOnce()` carries a freshly issued secret. It appears only in the output of the one
// command that created it (keys.create, rotation.advance {action:'rotate'}, rotation.rotate, clients.create,
// clients.rotate, serviceTokens.mint) and is never stored, logged, emitted as an event or returned again. When the
// secret went to a delivery target (secret-delivery.ts) the field is absent; a failed delivery's secret is shown once by
// delivery.reveal, the one other command with such a field.
import { z } from 'zod';

/** Marks a contract field as a secret that is shown exactly once (see SECRET_ONCE_FIELDS). */
export function secretOnce(description: string) {
  return z.string().min(1).max(500).meta({ secretOnce: true, description });
}

/** Output paths of every secretOnce field per command, found from the schema metadata (used by tests and the CLI). */
export function secretOnceFields(schema: z.ZodType, path: string[] = []): string[][] {
  const def = (schema as unknown as { _zod: { def: { type: string; shape?: Record<string, z.ZodType>; innerType?: z.ZodType } } })._zod.def;
  const meta = z.globalRegistry.get(schema) as { secretOnce?: boolean } | undefined;
  if (meta?.secretOnce) return [path];
  if (def.type === 'nullable' || def.type === 'optional') return secretOnceFields(def.innerType!, path);
  if (def.type === 'object' && def.shape) return Object.entries(def.shape).flatMap(([k, v]) => secretOnceFields(v, [...path, k]));
  return [];
}
