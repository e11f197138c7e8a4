// The four credential types a workspace holds (one list for every contract file).
import { z } from 'zod';

export const CREDENTIAL_TYPES = ['api_key', 'app', 'machine_client', 'service_token'] as const;
export const credentialTypeSchema = z.enum(CREDENTIAL_TYPES);
export type CredentialType = z.infer<typeof credentialTypeSchema>;
