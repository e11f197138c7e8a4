// The offboarding domain's one public entry. ofb_* tables (migrations 090–099) are read and written only inside
// services/offboarding; its targets come from the inventory and connections read models, its revocations go through the
// inventory's revoke and the connections' disconnect (ports from composition.ts).
export { createOffboardingService, type OffboardingDeps, type OffboardingService } from './offboarding-service.ts';
export { namePattern } from './select.ts';
