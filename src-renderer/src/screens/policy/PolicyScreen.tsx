// Policy: the agency's policy file (set from a terminal with `grantdesk policy use <file>`; re-read when it changes) and
// what breaks it — per group, per workspace, per credential, each violation with the rule, the rule's line in the file
// and a link to the screen that fixes it. Local tags put workspaces into groups. Long lists are virtualized.
import { useVirtualizer } from '@tanstack/react-virtual';
import { useEffect, useMemo, useRef, useState } from 'react';
import { credentialTypeWords, POLICY_RULE_WORDS, type PolicyViolation } from '../../../../src-common/contract/index.ts';
import { ErrorBanner } from '../../components/ErrorBanner.tsx';
import { WriteButton } from '../../components/WriteButton.tsx';
import { routeParams, useRouteQuery } from '../../app/router.ts';
import { usePolicyGroups } from '../../components/GroupFilter.tsx';
import { selectPolicyError, selectPolicyFile, selectPolicyLoaded, selectPolicyProblem, selectPolicyResult, selectPolicyTags } from '../../stores/policy-store.ts';
import { useSelect, useStores } from '../../stores/use-store.ts';
import { selectWorkspaces } from '../../stores/workspaces-store.ts';
import { fixHref } from './fix-links.ts';
import './policy.css';

const plural = (n: number, one: string, many = `${one}s`) => `${n.toLocaleString()} ${n === 1 ? one : many}`;

function ViolationRow({ v }: { v: PolicyViolation }) {
  const href = fixHref(v);
  return (
    <div className="policy-row" data-testid="policy-violation" data-rule={v.rule} data-workspace={v.workspaceId} data-credential={v.credentialId ?? ''}>
      <div className="policy-what">
        <strong>{v.workspaceName}</strong>
        {v.credentialName && (
          <span>
            {' '}
            · {credentialTypeWords(v.credentialType)} “{v.credentialName}” <span className="muted mono">{v.credentialId}</span>
          </span>
        )}
        <div className="policy-message">{v.message}</div>
        <div className="muted policy-rule">
          {POLICY_RULE_WORDS[v.rule]} · group {v.group}
          {v.line ? ` · policy line ${v.line}` : ''}
        </div>
      </div>
      <div className="policy-fix">
        {href ? (
          <a className="button" href={href} data-testid="policy-fix">
            {v.fix.label}
          </a>
        ) : (
          <span className="muted">{v.fix.label}</span>
        )}
        <code className="policy-cli" title="The same fix from a terminal">
          {v.fix.cli}
        </code>
      </div>
    </div>
  );
}

function Violations({ rows }: { rows: PolicyViolation[] }) {
  const ref = useRef<HTMLDivElement>(null);
  const v = useVirtualizer({ count: rows.length, getScrollElement: () => ref.current, estimateSize: () => 92, overscan: 8 });
  return (
    <div ref={ref} className="policy-scroll" data-testid="policy-violations" data-count={rows.length}>
      <div style={{ height: v.getTotalSize(), position: 'relative' }}>
        {v.getVirtualItems().map((vi) => (
          <div key={rows[vi.index]!.id} data-index={vi.index} ref={v.measureElement} className="policy-vrow" style={{ transform: `translateY(${vi.start}px)` }}>
            <ViolationRow v={rows[vi.index]!} />
          </div>
        ))}
      </div>
    </div>
  );
}

function Tags() {
  const { policy: store, workspaces: wsStore } = useStores();
  const tags = useSelect(store, selectPolicyTags);
  const workspaces = useSelect(wsStore, selectWorkspaces);
  const [ws, setWs] = useState('');
  const [tag, setTag] = useState('');
  const valid = /^[a-z0-9][a-z0-9_-]{0,39}$/.test(tag);
  return (
    <section className="panel" aria-labelledby="tags-title" data-testid="policy-tags">
      <h2 id="tags-title">Workspace tags</h2>
      <p className="muted">Tags live on this machine; a policy group can match them (match: tags: [retail]).</p>
      {tags.length === 0 ? (
        <p className="muted">No tags yet.</p>
      ) : (
        <ul className="policy-tag-list">
          {tags.map((t) => (
            <li key={`${t.workspaceId}/${t.tag}`} data-testid="policy-tag">
              <span className="tag-chip">{t.tag}</span> {t.workspaceName}{' '}
              <WriteButton command="policy.tag" className="link-button" onClick={() => void store.getState().tag(t.workspaceId, t.tag, true)} aria-label={`Remove tag ${t.tag} from ${t.workspaceName}`}>
                Remove
              </WriteButton>
            </li>
          ))}
        </ul>
      )}
      <div className="policy-tag-form">
        <label>
          Workspace{' '}
          <select value={ws} onChange={(e) => setWs(e.target.value)} data-testid="tag-workspace">
            <option value="">Choose a workspace</option>
            {workspaces.map((w) => (
              <option key={w.id} value={w.id}>
                {w.name}
              </option>
            ))}
          </select>
        </label>
        <label>
          Tag <input value={tag} onChange={(e) => setTag(e.target.value.toLowerCase())} placeholder="e.g. retail" maxLength={40} data-testid="tag-name" />
        </label>
        <WriteButton
          command="policy.tag"
          disabled={!ws || !valid}
          title={!ws ? 'Choose a workspace first' : !valid ? 'A tag is lowercase letters, digits, - and _' : undefined}
          onClick={async () => {
            if (await store.getState().tag(ws, tag)) setTag('');
          }}
          data-testid="tag-add"
        >
          Add tag
        </WriteButton>
      </div>
    </section>
  );
}

export function PolicyScreen() {
  const { policy: store, workspaces: wsStore } = useStores();
  const loaded = useSelect(store, selectPolicyLoaded);
  const file = useSelect(store, selectPolicyFile);
  const problem = useSelect(store, selectPolicyProblem);
  const result = useSelect(store, selectPolicyResult);
  const error = useSelect(store, selectPolicyError);
  // the workspace group every screen shares (loads the policy and follows its changes): a group chosen on Workspaces or
  // Insights is the group shown here, counted the same way (the violations in the group's workspaces, whichever rule)
  const groups = usePolicyGroups();
  const members = groups.members;
  // #/policy?workspace=ws_… (a Workspaces row's count): that workspace's violations
  const workspace = routeParams(`?${useRouteQuery()}`).workspace ?? '';

  useEffect(() => {
    if (wsStore.getState().workspaces.length === 0) void wsStore.getState().load();
  }, [wsStore]);

  const inGroup = useMemo(() => (result?.violations ?? []).filter((v) => !members || members.has(v.workspaceId)), [result, members]);
  const rows = useMemo(() => (workspace ? inGroup.filter((v) => v.workspaceId === workspace) : inGroup), [inGroup, workspace]);
  const perOption = useMemo(() => {
    const m = new Map<string, number>();
    for (const o of groups.options) m.set(o.key, (result?.violations ?? []).filter((v) => o.members.has(v.workspaceId)).length);
    return m;
  }, [result, groups.options]);
  const workspacesWith = new Set(rows.map((r) => r.workspaceId)).size;
  const workspaceName = workspace ? (result?.violations.find((v) => v.workspaceId === workspace)?.workspaceName ?? wsStore.getState().workspaces.find((w) => w.id === workspace)?.name ?? workspace) : '';
  const scope = [groups.selected ? `${groups.selected.key.startsWith('t:') ? 'tag' : 'group'} ${groups.selected.name}` : '', workspaceName].filter(Boolean).join(', ');

  return (
    <section className="screen" aria-labelledby="screen-title" data-testid="policy-screen">
      <header className="screen-header">
        <h1 id="screen-title" tabIndex={-1}>
          Policy
        </h1>
        <p className="screen-subtitle" data-testid="policy-summary">
          {!loaded
            ? 'Reading the policy file…'
            : !file
              ? 'No policy file is set on this machine.'
              : result
                ? `${plural(rows.length, 'violation')} in ${plural(workspacesWith, 'workspace')}${scope ? ` (${scope})` : ''} · ${plural(result.workspacesChecked, 'workspace')} and ${plural(result.credentialsChecked, 'credential')} checked`
                : 'The policy file cannot be used (below).'}
        </p>
      </header>
      {error && <ErrorBanner error={error} onDismiss={() => store.getState().dismissError()} testId="policy-error" />}
      {loaded && !file && (
        <div className="panel" data-testid="policy-none">
          <p>
            Keep your agency's rules in a policy file in git (see docs/policy.md), then point this Grantdesk at it from a terminal: <code>grantdesk policy use ./grantdesk.policy.yaml</code>. The
            app re-reads it whenever it changes; CI checks the same file with <code>grantdesk check</code>.
          </p>
        </div>
      )}
      {file && (
        <p className="muted" data-testid="policy-file">
          Following <span className="mono">{file}</span>
          {result ? ` · sha256 ${result.policySha256.slice(0, 12)}… · checked ${new Date(result.checkedAt).toLocaleString()}` : ''}
        </p>
      )}
      {problem && (
        <div className="banner banner-error" role="alert" data-testid="policy-problem">
          <div>
            <strong>The policy file cannot be used.</strong>
            <pre className="policy-problem">{problem}</pre>
            Fix the file (every problem names its line and column); the app reads it again when you save.
          </div>
        </div>
      )}
      {result && (
        <>
          <div className="policy-groups" role="group" aria-label="Groups" data-testid="policy-groups">
            <button type="button" className={`chip chip-button ${groups.selected ? '' : 'chip-active'}`} aria-pressed={!groups.selected} onClick={() => groups.setValue('')} data-testid="policy-group-all">
              All groups and tags ({result.violations.length.toLocaleString()})
            </button>
            {groups.options.map((o) => {
              const g = result.groups.find((x) => `g:${x.name}` === o.key);
              return (
                <button
                  key={o.key}
                  type="button"
                  className={`chip chip-button ${groups.selected?.key === o.key ? 'chip-active' : ''}`}
                  aria-pressed={groups.selected?.key === o.key}
                  title={g ? g.members.map((m) => m.name).join(', ') || 'No workspace matches this group' : `Workspaces tagged ${o.name} on this machine`}
                  onClick={() => groups.setValue(o.key)}
                  data-testid="policy-group"
                  data-key={o.key}
                  data-count={perOption.get(o.key) ?? 0}
                >
                  {g ? '' : 'Tag '}
                  {o.name}: {plural(o.members.size, 'workspace')}, {plural(perOption.get(o.key) ?? 0, 'violation')}
                </button>
              );
            })}
            {workspace && (
              <a className="chip chip-button chip-active" href="#/policy" title="Show every workspace's violations" data-testid="policy-workspace-chip">
                Workspace: {workspaceName} ✕
              </a>
            )}
          </div>
          {result.unchecked.length > 0 && (
            <p className="muted" data-testid="policy-unchecked">
              {plural(result.unchecked.length, 'rule')} not checked: {result.unchecked[0]!.reason}
              {result.unchecked.length > 1 ? ` (and ${result.unchecked.length - 1} more)` : ''}.
            </p>
          )}
          {rows.length === 0 ? <p data-testid="policy-clean">No violations{scope ? ` in ${scope}` : ''}.</p> : <Violations rows={rows} />}
        </>
      )}
      <Tags />
    </section>
  );
}
