// Contract commands of the rotation domain. Owned by the rotation work; merged in index.ts.
import { z } from 'zod';
import { command } from './define.ts';

export const rotationCommands = {} as const;
void z;
void command;
