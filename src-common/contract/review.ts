// Contract commands of the review domain. Owned by the review work; merged in index.ts.
import { z } from 'zod';
import { command } from './define.ts';

export const reviewCommands = {} as const;
void z;
void command;
