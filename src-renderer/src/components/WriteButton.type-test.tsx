// Type-level test, checked by `tsc -p tsconfig.web.json` (never imported, never bundled): a write control names its
// command from the contract, so a misspelt command is a compile error instead of a button left enabled in review mode.
import { WriteButton, WriteSelect } from './WriteButton.tsx';

export const typeTest = [
  <WriteButton key="ok" command="rotation.start" />,
  // @ts-expect-error 'rotation.strat' is not a contract command
  <WriteButton key="typo" command="rotation.strat" />,
  // @ts-expect-error a write control must say which command it runs
  <WriteButton key="missing" />,
  // @ts-expect-error the same for the select
  <WriteSelect key="typo-select" command="inventory.setBaselin" />,
];
