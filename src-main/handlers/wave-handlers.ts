// Rotation waves: contract command → the rotation domain's wave service. Thin on purpose.
import type { HandlerMap } from '../rpc/handlers.ts';
import type { Services } from '../services/services.ts';

export function waveHandlers(s: Services): HandlerMap<'wave.rotate' | 'wave.status' | 'wave.resume' | 'wave.cancel'> {
  const w = s.rotation.waves;
  return {
    'wave.rotate': (i, ctx) => w.rotate(i, ctx.capabilities),
    'wave.status': (i) => w.status(i),
    'wave.resume': (i) => w.resume(i),
    'wave.cancel': (i) => w.cancel(i),
  };
}
