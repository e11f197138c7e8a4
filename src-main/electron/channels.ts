// IPC channel names shared by main and the preload. Commands: grantdesk:<command> (see rpc/ipc-router.ts);
// events main pushes: grantdesk:event:<event>. Pure: no electron import, so the preload bundles it.
export { CHANNEL_PREFIX, channelFor } from '../rpc/ipc-router.ts';

export const EVENT_CHANNEL_PREFIX = 'grantdesk:event:';
export const eventChannelFor = (event: string): string => `${EVENT_CHANNEL_PREFIX}${event}`;
