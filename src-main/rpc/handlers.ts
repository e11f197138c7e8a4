import type { z } from 'zod';
import type { CommandName, Contract, Output } from '../../src-common/contract/index.ts';

export type Transport = 'ipc' | 'serve' | 'cli';
export interface CallContext {
  readonly transport: Transport;
}
export type ParsedInput<K extends CommandName> = z.output<Contract[K]['input']>;
/** One handler per contract command: thin, it calls a service. Domains export partial maps merged in handlers/index.ts. */
export type Handler<K extends CommandName> = (input: ParsedInput<K>, ctx: CallContext) => Promise<Output<K>> | Output<K>;
export type Handlers = { [K in CommandName]: Handler<K> };
export type HandlerMap<K extends CommandName> = { [P in K]: Handler<P> };
