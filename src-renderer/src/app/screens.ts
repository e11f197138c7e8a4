// The one list of screens: id (the #/route), label, component, keyboard shortcut (Ctrl/Cmd + digit) and nav icon.
// One folder per screen (src-renderer/src/screens/<screen>/: its components and css; stores live in src/stores/);
// the frame, routing and shortcuts come from here.
import type { ComponentType } from 'react';
import { icons } from '../components/icons.tsx';
import { AuditExplorerScreen } from '../screens/audit/AuditExplorerScreen.tsx';
import { CalendarScreen } from '../screens/calendar/CalendarScreen.tsx';
import { CredentialsScreen } from '../screens/credentials/CredentialsScreen.tsx';
import { ExportsScreen } from '../screens/exports/ExportsScreen.tsx';
import { InsightsScreen } from '../screens/insights/InsightsScreen.tsx';
import { ReviewsScreen } from '../screens/reviews/ReviewsScreen.tsx';
import { RotationScreen } from '../screens/rotation/RotationScreen.tsx';
import { ScopeMatrixScreen } from '../screens/matrix/ScopeMatrixScreen.tsx';
import { SettingsScreen } from '../screens/settings/SettingsScreen.tsx';
import { WorkspacesScreen } from '../screens/workspaces/WorkspacesScreen.tsx';
import { PolicyScreen } from '../screens/policy/PolicyScreen.tsx';
import { AlertsScreen } from '../screens/alerts/AlertsScreen.tsx';
import { WavesScreen } from '../screens/waves/WavesScreen.tsx';
import { IncidentScreen } from '../screens/incident/IncidentScreen.tsx';
import { OffboardingScreen } from '../screens/offboarding/OffboardingScreen.tsx';

export interface ScreenDef {
  id: string;
  label: string;
  component: ComponentType;
  /** the digit for Ctrl/Cmd + digit */
  shortcut: string;
  icon: ComponentType;
}

export const SCREENS: readonly ScreenDef[] = [
  { id: 'workspaces', label: 'Workspaces', component: WorkspacesScreen, shortcut: '1', icon: icons.workspaces },
  { id: 'scope-matrix', label: 'Scope matrix', component: ScopeMatrixScreen, shortcut: '2', icon: icons.scopes },
  { id: 'credentials', label: 'Credentials', component: CredentialsScreen, shortcut: '3', icon: icons.credentials },
  { id: 'audit', label: 'Audit explorer', component: AuditExplorerScreen, shortcut: '4', icon: icons.audit },
  { id: 'exports', label: 'Exports', component: ExportsScreen, shortcut: '5', icon: icons.exports },
  { id: 'reviews', label: 'Reviews', component: ReviewsScreen, shortcut: '6', icon: icons.reviews },
  { id: 'insights', label: 'Insights', component: InsightsScreen, shortcut: '7', icon: icons.insights },
  { id: 'calendar', label: 'Calendar', component: CalendarScreen, shortcut: '8', icon: icons.calendar },
  { id: 'settings', label: 'Settings', component: SettingsScreen, shortcut: '9', icon: icons.settings },
  { id: 'rotation', label: 'Rotation', component: RotationScreen, shortcut: '0', icon: icons.rotation },
  // letters once the digits ran out: g for governance, j for the alerts queue
  { id: 'policy', label: 'Policy', component: PolicyScreen, shortcut: 'g', icon: icons.policy },
  { id: 'alerts', label: 'Alerts', component: AlertsScreen, shortcut: 'j', icon: icons.alerts },
  // b for batches: rotation waves
  { id: 'waves', label: 'Rotation waves', component: WavesScreen, shortcut: 'b', icon: icons.waves },
  // u for urgent: a leaked secret
  { id: 'incident', label: 'Incident', component: IncidentScreen, shortcut: 'u', icon: icons.incident },
  // o for offboarding
  { id: 'offboarding', label: 'Offboarding', component: OffboardingScreen, shortcut: 'o', icon: icons.offboarding },
];

export const DEFAULT_SCREEN = 'workspaces';

export function screenById(id: string): ScreenDef | undefined {
  return SCREENS.find((s) => s.id === id);
}
