// The incident domain's one public entry (leaked-secret response, issue 16). Its tables (incident_cases,
// incident_actions, migrations 080–089) are read and written only inside services/incident; everything else it uses
// arrives as ports from composition.ts. audit.verify reaches the pack verifier through here.
export { createIncidentService, type IncidentDeps, type IncidentService } from './incident-service.ts';
export { isIncidentPack, verifyIncidentPack, INCIDENT_MANIFEST } from './pack.ts';
