// Contract commands of the audit domain. Owned by the audit work; merged in index.ts.
import { z } from 'zod';
import { command } from './define.ts';

export const auditCommands = {} as const;
void z;
void command;
