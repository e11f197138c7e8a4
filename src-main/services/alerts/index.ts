// The alerts domain's one public entry. alert_* tables (migrations 070–079) are read and written only inside
// services/alerts; its facts come from the other domains' read models, passed in by composition.ts.
export { createAlertsService, type AlertsPorts, type AlertsService, type Notifier } from './alerts-service.ts';
export { signBody } from './webhook.ts';
