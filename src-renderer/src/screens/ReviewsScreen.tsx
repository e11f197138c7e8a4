import { Placeholder } from '../components/Placeholder.tsx';

export function ReviewsScreen() {
  return (
    <Placeholder
      title="Reviews"
      capability="auditor reviews"
      summary="Open a read-only review for an auditor and record what they checked."
    />
  );
}
