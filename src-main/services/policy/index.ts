// The policy domain's one public entry: the agency policy file, local workspace tags, checks of the cache against the file.
// policy_* tables (migrations 060–069) are read and written only inside services/policy.
export { createPolicyService, parseDuration, type PolicyPorts, type PolicyService } from './policy-service.ts';
export { parsePolicy, type ParsedPolicy } from './policy-file.ts';
