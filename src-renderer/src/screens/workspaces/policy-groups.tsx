// One Workspaces row's Policy cell: its policy violation count, linking to the Policy screen. (The group filter is shared
// by every screen: components/GroupFilter.tsx.)

export function PolicyCell({ count, workspaceName }: { count: number; workspaceName: string }) {
  return (
    <td className="nowrap" data-testid="ws-policy">
      {count > 0 ? (
        <a href="#/policy" title={`Violations of the policy file in ${workspaceName}`}>
          {count} violation{count === 1 ? '' : 's'}
        </a>
      ) : (
        <span className="muted">None</span>
      )}
    </td>
  );
}
