import { Placeholder } from '../components/Placeholder.tsx';

export function InsightsScreen() {
  return (
    <Placeholder
      title="Insights"
      capability="insights"
      summary="Trends across workspaces: unused scopes, stale grants and rotation debt."
    />
  );
}
