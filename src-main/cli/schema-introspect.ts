// Reads just enough of a zod object schema to turn CLI words into typed input.
import type { z } from 'zod';

type AnyDef = { type: string; innerType?: z.ZodType; shape?: Record<string, z.ZodType>; element?: z.ZodType; in?: z.ZodType; entries?: Record<string, string> };
const defOf = (s: z.ZodType): AnyDef => (s as unknown as { _zod: { def: AnyDef } })._zod.def;

export type FieldKind = 'string' | 'number' | 'boolean' | 'array' | 'object' | 'other';

export function unwrap(s: z.ZodType): z.ZodType {
  let cur = s;
  for (;;) {
    const d = defOf(cur);
    if ((d.type === 'optional' || d.type === 'default' || d.type === 'nullable' || d.type === 'readonly' || d.type === 'prefault') && d.innerType) cur = d.innerType;
    else if (d.type === 'pipe' && d.in) cur = d.in;
    else return cur;
  }
}

export function fieldKind(s: z.ZodType): FieldKind {
  const t = defOf(unwrap(s)).type;
  if (t === 'string' || t === 'enum' || t === 'literal') return 'string';
  if (t === 'number' || t === 'int') return 'number';
  if (t === 'boolean') return 'boolean';
  if (t === 'array') return 'array';
  if (t === 'object') return 'object';
  return 'other';
}

export function arrayElementKind(s: z.ZodType): FieldKind {
  const el = defOf(unwrap(s)).element;
  return el ? fieldKind(el) : 'string';
}

export function objectShape(s: z.ZodType): Record<string, z.ZodType> {
  const d = defOf(unwrap(s));
  return d.type === 'object' && d.shape ? d.shape : {};
}

export function isOptional(s: z.ZodType): boolean {
  return (s as unknown as { safeParse(v: unknown): { success: boolean } }).safeParse(undefined).success;
}
