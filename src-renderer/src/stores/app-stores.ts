// THE place every renderer store is created, each with the api injected. Screens and components reach main only through
// these stores' actions (lint-enforced: no `.api` outside src-renderer/src/stores and the bridge).
import type { GrantdeskApi } from '../../../src-common/contract/api.ts';
import { createAlertsStore, browserNotifications, type AlertsStore } from './alerts-store.ts';
import { createAuditStore, type AuditStore } from './audit-store.ts';
import { createBundlesStore, type BundlesStore } from './bundles-store.ts';
import { createGuardrailsStore, type GuardrailsStore } from './guardrails-store.ts';
import { createClientsStore, type ClientsStore } from './clients-store.ts';
import { createDeliveryStore, type DeliveryStore } from './delivery-store.ts';
import { createExportsStore, type ExportsStore } from './exports-store.ts';
import { createHealthStore, type HealthStore } from './health-store.ts';
import { createInsightsStore, type InsightsStore } from './insights-store.ts';
import { createPolicyStore, type PolicyStore } from './policy-store.ts';
import { createInventoryStore, type InventoryStore } from './inventory-store.ts';
import { createReviewStore, type ReviewStore } from './review-store.ts';
import { createRotationStore, type RotationStore } from './rotation-store.ts';
import { createSettingsStore, type SettingsStore } from './settings-store.ts';
import { createTasksStore, type TasksStore } from './tasks-store.ts';
import { createWizardStore, type WizardStore } from './wizard-store.ts';
import { createStepUpStore, type StepUpStoreApi } from './step-up-store.ts';
import { createWorkspacesStore, type WorkspacesStore } from './workspaces-store.ts';
import { createWavesStore, type WavesStore } from './waves-store.ts';
import { createIncidentStore, type IncidentStore } from './incident-store.ts';
import { createOffboardingStore, type OffboardingStore } from './offboarding-store.ts';

export interface AppStores {
  /**
   * @deprecated only for screens/reviews/AuditorReview.tsx and OperatorReviews.tsx until they move onto the review
   * store's actions (another engineer is editing them); everything else is refused by the lint rule. Do not use.
   */
  api: GrantdeskApi;
  health: HealthStore;
  settings: SettingsStore;
  tasks: TasksStore;
  review: ReviewStore;
  workspaces: WorkspacesStore;
  inventory: InventoryStore;
  audit: AuditStore;
  exports: ExportsStore;
  insights: InsightsStore;
  rotation: RotationStore;
  clients: ClientsStore;
  wizard: WizardStore;
  /** delivery targets (set up on the CLI) and what to do with a secret whose delivery failed */
  delivery: DeliveryStore;
  /** the Edit guardrails dialog: dry run from the cache, then the edit in place */
  guardrails: GuardrailsStore;
  /** the Bundles panel: a workspace's scope bundles and pushes across workspaces */
  bundles: BundlesStore;
  /** MFA step-up notices (stepUp.status events) */
  stepUp: StepUpStoreApi;
  policy: PolicyStore;
  alerts: AlertsStore;
  /** rotation waves: progress per workspace, Resume and Cancel */
  waves: WavesStore;
  /** the Incident screen: a leaked secret found, its activity, containment, evidence pack */
  incident: IncidentStore;
  /** the Offboarding screen: one integration or staff member, everywhere */
  offboarding: OffboardingStore;
}

export function createAppStores(api: GrantdeskApi): AppStores {
  return {
    api,
    health: createHealthStore(api),
    settings: createSettingsStore(api),
    tasks: createTasksStore(api),
    review: createReviewStore(api),
    workspaces: createWorkspacesStore(api),
    inventory: createInventoryStore(api),
    audit: createAuditStore(api),
    exports: createExportsStore(api),
    insights: createInsightsStore(api),
    rotation: createRotationStore(api),
    clients: createClientsStore(api),
    wizard: createWizardStore(api),
    delivery: createDeliveryStore(api),
    guardrails: createGuardrailsStore(api),
    bundles: createBundlesStore(api),
    stepUp: createStepUpStore(api),
    policy: createPolicyStore(api),
    alerts: createAlertsStore(api, browserNotifications()),
    waves: createWavesStore(api),
    incident: createIncidentStore(api),
    offboarding: createOffboardingStore(api),
  };
}
