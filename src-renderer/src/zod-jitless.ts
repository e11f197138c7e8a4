// Imported first by main.tsx, before the contract builds its schemas: zod probes `new Function` when an object schema
// is created, and the strict CSP (no 'unsafe-eval') reports that probe as a violation even though zod catches it.
// jitless skips the probe; the renderer never relies on zod's fast path.
import { config } from 'zod';

config({ jitless: true });
