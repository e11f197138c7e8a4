// The one platform client: one typed module per API area of the management API (docs/platform-api.md), each REST path
// written once (test/node/architecture/platform-paths.test.ts), each response validated by the zod schema next to it.
// It runs over a WorkspaceApi (workspace-api.ts), so the same client serves a workspace's own grant and an auditor
// review's grant; errors come from the one mapping in errors.ts. Pure TypeScript over ports: no undici, no electron.
import type { WorkspaceApi } from '../ports/platform.ts';
import { apiKeysApi } from './api-keys.ts';
import { appsApi } from './apps.ts';
import { auditEventsApi } from './audit-events.ts';
import { machineClientsApi } from './machine-clients.ts';
import { mcpToolsApi } from './mcp-tools.ts';
import { reviewsApi } from './reviews.ts';
import { scopesApi } from './scopes.ts';
import { scopeBundlesApi } from './scope-bundles.ts';
import { serviceTokensApi } from './service-tokens.ts';
import { workspaceApi } from './workspace.ts';

export function createPlatformClient(api: WorkspaceApi) {
  return {
    apiKeys: apiKeysApi(api),
    apps: appsApi(api),
    machineClients: machineClientsApi(api),
    serviceTokens: serviceTokensApi(api),
    scopes: scopesApi(api),
    scopeBundles: scopeBundlesApi(api),
    auditEvents: auditEventsApi(api),
    mcpTools: mcpToolsApi(api),
    reviews: reviewsApi(api),
    workspace: workspaceApi(api),
  };
}
export type PlatformClient = ReturnType<typeof createPlatformClient>;

export type { CallOptions } from './call.ts';
export { listOf, statusOnly } from './call.ts';
export { apiKeySchema, apiKeyWithSecretSchema, type ApiKey, type ApiKeyCreate, type ApiKeyPatch } from './api-keys.ts';
export { appSchema, type App } from './apps.ts';
export { machineClientSchema, type MachineClient, type MachineClientUsage } from './machine-clients.ts';
export { serviceTokenSchema, type ServiceToken } from './service-tokens.ts';
export { bundleSchema, scopeCatalogueSchema, type Bundle, type ScopeCatalogue } from './scopes.ts';
export type { BundleBody } from './scope-bundles.ts';
export type { AuditHeadResponse, AuditPageResponse, PlatformEvent } from './audit-events.ts';
export { MAX_MCP_TOOLS, type McpTool, type McpToolCatalogue } from './mcp-tools.ts';
export type { PlatformReviewItem, PlatformReviewRecord, ReviewCreate } from './reviews.ts';
export { probeWorkspace, type PlatformWorkspace } from './workspace.ts';
export { createWorkspaceApi } from './workspace-api.ts';
export { singleTokenSource } from './token-source.ts';
export { invalidResponse, platformError, tokenEndpointError } from './errors.ts';
