import type { HandlerMap } from '../rpc/handlers.ts';
import type { Services } from '../services/services.ts';

type ConnectionCommands =
  | 'platforms.add'
  | 'platforms.list'
  | 'platforms.remove'
  | 'workspaces.list'
  | 'workspaces.status'
  | 'workspaces.connect'
  | 'workspaces.connectDevice'
  | 'workspaces.bulkConnect'
  | 'workspaces.disconnect'
  | 'workspaces.refresh'
  | 'workspaces.retryRevocations';

export function connectionsHandlers(s: Services): HandlerMap<ConnectionCommands> {
  const c = s.connections;
  return {
    'platforms.add': (i) => c.addPlatform(i),
    'platforms.list': () => c.listPlatforms(),
    'platforms.remove': (i) => c.removePlatform(i.platform),
    'workspaces.list': () => c.listWorkspaces(),
    'workspaces.status': (i) => c.status(i.workspace),
    'workspaces.connect': (i) => c.connect(i),
    'workspaces.connectDevice': (i) => c.connectDevice(i),
    'workspaces.bulkConnect': (i) => c.bulkConnect(i),
    'workspaces.disconnect': (i) => c.disconnect(i.workspace),
    'workspaces.refresh': (i) => c.refresh(i.workspace, i.force ?? false),
    'workspaces.retryRevocations': () => c.retryRevocations(),
  };
}
