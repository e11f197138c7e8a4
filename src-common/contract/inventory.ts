// Contract commands of the inventory domain. Owned by the inventory work; merged in index.ts.
import { z } from 'zod';
import { command } from './define.ts';

export const inventoryCommands = {} as const;
void z;
void command;
