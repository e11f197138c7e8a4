// The words people read for each credential type, in one place for main (policy messages, alert titles) and the renderer.
import type { CredentialType } from './inventory.ts';

export const CREDENTIAL_TYPE_WORDS: Readonly<Record<CredentialType, string>> = { api_key: 'API key', app: 'OAuth app', machine_client: 'Machine client', service_token: 'Service token' };

/** The type's words for a sentence: capitalised at its start, "machine client" / "service token" inside it. */
export function credentialTypeWords(type: string | null | undefined, inSentence = false): string {
  const w = (CREDENTIAL_TYPE_WORDS as Record<string, string>)[type ?? ''] ?? 'Credential';
  return inSentence && !w.startsWith('API') && !w.startsWith('OAuth') ? w.toLowerCase() : w;
}
