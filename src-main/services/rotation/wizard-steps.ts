// What the user can do next at each step of the rotation wizard (the contract's Wizard.next).
import type { Wizard } from '../../../src-common/contract/index.ts';
import type { WizardRow } from './wizard-repo.ts';

export function nextActions(r: WizardRow): Wizard['next'] {
  switch (r.step) {
    case 'chosen':
      return ['review', 'cancel'];
    case 'reviewed':
      return ['review', 'rotate', 'cancel'];
    case 'rotating':
      return ['rotate'];
    case 'rotated':
      return r.secret_lost ? ['rotate'] : ['acknowledge'];
    case 'acknowledged':
      return ['verify'];
    case 'verified':
      return ['watch', 'endGrace'];
    case 'grace':
      return ['endGrace', 'finish'];
    default:
      return [];
  }
}
