// Contract commands of the connections domain. Owned by the connections work; merged in index.ts.
import { z } from 'zod';
import { command } from './define.ts';

export const connectionsCommands = {} as const;
void z;
void command;
