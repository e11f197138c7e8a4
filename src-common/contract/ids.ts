// Ids, workspace references and scope names: declared once, used by every command file's inputs.
// Rules follow what the platform issues (docs/platform-api.md): prefixed ids (`ws_`, `key_`, `app_`, `mc_`, `st_`, …)
// of letters, digits and `_`; scopes `resource:action` in lower case, plus the OAuth/OIDC scopes a grant may carry.
// test/node/contract-layout.test.ts fails when another contract file declares its own.
import { z } from 'zod';

/** A workspace id as the platform issues it: `ws_` and letters, digits, `_` or `-`. */
export const workspaceIdSchema = z
  .string()
  .max(200)
  .regex(/^ws_[A-Za-z0-9_-]+$/, 'a workspace id looks like ws_… (letters, digits, _ and - after ws_)');

/** A workspace id (`ws_…`) or its exact name (case-insensitive); the service resolves it against connected workspaces. */
export const workspaceRefSchema = z.string().min(1).max(200);

/** A workspace filter: ids or a case-insensitive name fragment; empty means every workspace. */
export const workspaceFilterSchema = z.string().max(200);

/** A platform by id or name. */
export const platformRefSchema = z.string().min(1).max(200);

/** The OAuth client_id Grantdesk registers as on a platform (e.g. `grantdesk-desktop`). */
export const oauthClientIdSchema = z.string().min(1).max(200);

/**
 * An id the platform issued for a credential (`key_…`, `app_…`, `mc_…`, `st_…`) or Grantdesk issued for a wizard
 * (`rw_<uuid>`): letters, digits, `_` and `-`, so it is safe as a URL path segment.
 */
export const idSchema = z.string().min(1).max(200).regex(/^[A-Za-z0-9_-]+$/, 'an id is letters, digits, _ and -');

/** A credential id (see idSchema). */
export const credentialIdSchema = idSchema;

/** A review id as the platform issues it (`rev_…`). */
export const reviewIdSchema = z.string().max(100).regex(/^rev_[A-Za-z0-9]+$/, 'a review id looks like rev_… (letters and digits)');

/** A background task id the caller picks, to cancel it later. */
export const taskIdSchema = z.string().min(1).max(100);

/** An export's id as recorded in its manifest. */
export const exportIdSchema = z.string().min(1).max(100);
/** An audit archive run's id as Grantdesk makes it (`arc_` + UTC time + 8 hex), also in its file names. */
export const archiveIdSchema = z.string().regex(/^arc_\d{14}_[0-9a-f]{8}$/, 'an archive run id looks like arc_20260101120000_0a1b2c3d');

/** An alert's cause id as Grantdesk makes it (`al_` + 24 hex). */
/** a rotation wave (wave.*) */
export const waveIdSchema = z.string().min(1).max(64).regex(/^wv_[A-Za-z0-9_-]+$/, 'a wave id looks like wv_…');

/** an offboarding batch (`grantdesk offboard history`) */
export const offboardBatchIdSchema = z.string().regex(/^ofb_[0-9a-f]{8}(?:-[0-9a-f]{4}){3}-[0-9a-f]{12}$/, 'an offboarding batch id looks like ofb_… (see `grantdesk offboard history`)');
export const alertIdSchema = z.string().regex(/^al_[0-9a-f]{24}$/, 'an alert id looks like al_…');

const RESOURCE_ACTION = '[a-z][a-z0-9_-]*:[a-z][a-z0-9_-]*';

/** An API scope as the platform names it: `resource:action` (e.g. `contacts:read`). */
export const scopeNameSchema = z.string().max(100).regex(new RegExp(`^${RESOURCE_ACTION}$`), 'a scope looks like resource:action');

/** A scope of an OAuth grant: an API scope, or `openid` / `offline_access` (the platform's registered client scopes). */
export const grantScopeSchema = z
  .string()
  .max(100)
  .regex(new RegExp(`^(?:${RESOURCE_ACTION}|openid|offline_access)$`), 'a scope looks like resource:action (or openid, offline_access)');

/** A read-only API scope (`resource:read`): all an auditor review may grant. */
export const readScopeSchema = z.string().max(100).regex(/^[a-z][a-z0-9_-]*:read$/, 'a review grants read scopes only (resource:read)');

/** The scopes of a new key, machine client or service token: 1–100 API scopes. */
export const scopeListSchema = z.array(scopeNameSchema).min(1).max(100);

/** A credential by its id (`key_…`, `mc_…`) or its exact name in the workspace (case-insensitive; must name one). */
export const credentialRefSchema = z.string().min(1).max(200);

/** A scope bundle by its id (`sb_…`) or its exact name in the workspace (case-insensitive). */
export const bundleRefSchema = z.string().min(1).max(200);

/** An IP allowlist as given: addresses or CIDR blocks (IPv4 or IPv6), at most 100 entries of at most 100 characters. */
export const ipAllowlistSchema = z.array(z.string().max(100)).max(100);

/** an incident opened for a leaked secret (incident.*) */
export const incidentIdSchema = z.string().regex(/^inc_[0-9a-f]{16}$/, 'an incident id looks like inc_ and 16 hex digits');
