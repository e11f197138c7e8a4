// One Workspaces row's Policy cell: its policy violation count, linking to the Policy screen filtered to that workspace
// (the same count there). The column stands right after Status so it never hides under the pinned actions at 1024 px.
// (The group filter is shared by every screen: components/GroupFilter.tsx.)

export function PolicyCell({ count, workspaceId, workspaceName }: { count: number; workspaceId: string; workspaceName: string }) {
  return (
    <td className="nowrap" data-testid="ws-policy">
      {count > 0 ? (
        <a href={`#/policy?${new URLSearchParams({ workspace: workspaceId }).toString()}`} title={`Violations of the policy file in ${workspaceName}`}>
          {count} violation{count === 1 ? '' : 's'}
        </a>
      ) : (
        <span className="muted">None</span>
      )}
    </td>
  );
}
