// The API the renderer sees (window.grantdesk in Electron; the HTTP bridge in serve mode).
import type { CallResult } from './errors.ts';
import type { EventName, EventPayload } from './events.ts';
import type { CommandName, Input, MethodName, Output } from './index.ts';

export type CommandMethods = {
  [K in CommandName as MethodName<K>]: (input: Input<K>) => Promise<CallResult<Output<K>>>;
};

type EventMethodName<E extends string> = E extends `${infer A}.${infer B}` ? `on${Capitalize<A>}${Capitalize<B>}` : never;
export type EventMethods = {
  [E in EventName as EventMethodName<E>]: (listener: (payload: EventPayload<E>) => void) => () => void;
};

export type GrantdeskApi = CommandMethods & EventMethods;
export function eventMethodName(e: string): string {
  const [a = '', b = ''] = e.split('.');
  return `on${a.charAt(0).toUpperCase()}${a.slice(1)}${b.charAt(0).toUpperCase()}${b.slice(1)}`;
}
