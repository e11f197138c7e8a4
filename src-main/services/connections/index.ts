// The connections domain's one public entry. Other domains (and composition.ts) import the connections domain only from
// here; the connections tables are read and written only inside services/connections
// (test/node/architecture/table-ownership.test.ts).
export { createConnectionsService, type ConnectionsDeps, type ConnectionsService } from './connections-service.ts';
export type { RefreshPoint } from './token-manager.ts';
export { createDirectoryReadModel, type DirectoryReadModel, type OwnGrant, type PlatformEndpoints, type WorkspacePlatform } from './directory-read-model.ts';
export type { ConnectedBy } from './repo.ts';
