// A policy check as the reader needs it: words for a person, JSON for scripts, JUnit XML for every CI system's test
// report view, SARIF 2.1.0 for GitHub code scanning / GitLab (each result points at the rule's line in the policy file).
import { POLICY_RULE_WORDS, type PolicyCheckResult } from '../../../src-common/contract/policy.ts';

export type ReportFormat = 'text' | 'json' | 'junit' | 'sarif';


/** XML 1.0 text: escapes markup and drops characters XML cannot carry (a hostile credential name holds anything). */
export function xmlText(s: string): string {
  return s
    .replace(/[^\t\n\r\u0020-\uD7FF\uE000-\uFFFD\u{10000}-\u{10FFFF}]/gu, '\uFFFD')
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&apos;');
}

function text(r: PolicyCheckResult): string {
  const out: string[] = [];
  out.push(`Policy ${r.policyFile} (sha256 ${r.policySha256.slice(0, 12)}…), checked ${r.checkedAt}`);
  out.push(`${r.workspacesChecked} workspace${r.workspacesChecked === 1 ? '' : 's'} and ${r.credentialsChecked} credential${r.credentialsChecked === 1 ? '' : 's'} checked in ${r.groups.length} group${r.groups.length === 1 ? '' : 's'}: ${r.groups.map((g) => `${g.name} (${g.workspaces})`).join(', ') || 'none'}`);
  if (r.stale.length) {
    out.push('', `Stale cache: ${r.stale.length} workspace${r.stale.length === 1 ? ' was' : 's were'} not synced recently enough — run grantdesk check --sync, or grantdesk sync first:`);
    for (const s of r.stale) out.push(`  ${s.workspaceName} (${s.workspaceId}): ${s.syncedAt ? `last synced ${s.syncedAt}` : 'never synced'}`);
  }
  if (r.violations.length === 0) out.push('', 'No violations.');
  else {
    out.push('', `${r.violations.length} violation${r.violations.length === 1 ? '' : 's'}:`);
    for (const v of r.violations) out.push(`  [${v.group}] ${POLICY_RULE_WORDS[v.rule]}${v.line ? ` (policy line ${v.line})` : ''}: ${v.message}`, `      fix: ${v.fix.label} — ${v.fix.cli}`);
  }
  if (r.unchecked.length) {
    out.push('', `${r.unchecked.length} rule${r.unchecked.length === 1 ? ' was' : 's were'} not checked:`);
    for (const u of r.unchecked) out.push(`  [${u.group}] ${POLICY_RULE_WORDS[u.rule]} in ${u.workspaceName}: ${u.reason}`);
  }
  return out.join('\n');
}

function junit(r: PolicyCheckResult): string {
  const lines: string[] = ['<?xml version="1.0" encoding="UTF-8"?>'];
  const total = r.groups.reduce((n, g) => n + g.workspaces, 0);
  lines.push(`<testsuites name="grantdesk policy" tests="${total + r.stale.length}" failures="${r.violations.length}" errors="${r.stale.length}" timestamp="${xmlText(r.checkedAt)}">`);
  for (const g of r.groups) {
    const vs = r.violations.filter((v) => v.group === g.name);
    const failing = new Set(vs.map((v) => v.workspaceId));
    lines.push(`  <testsuite name="${xmlText(g.name)}" tests="${g.workspaces}" failures="${failing.size}" errors="0" skipped="0">`);
    for (const m of g.members) {
      const mine = vs.filter((v) => v.workspaceId === m.id);
      lines.push(`    <testcase classname="${xmlText(g.name)}" name="${xmlText(`${m.name} (${m.id})`)}"${mine.length ? '>' : '/>'}`);
      for (const v of mine) lines.push(`      <failure type="${v.rule}" message="${xmlText(v.message)}">${xmlText(`${POLICY_RULE_WORDS[v.rule]}: ${v.message}\nfix: ${v.fix.label} — ${v.fix.cli}`)}</failure>`);
      if (mine.length) lines.push('    </testcase>');
    }
    lines.push('  </testsuite>');
  }
  if (r.stale.length) {
    lines.push(`  <testsuite name="cache freshness" tests="${r.stale.length}" failures="0" errors="${r.stale.length}">`);
    for (const s of r.stale) lines.push(`    <testcase classname="cache freshness" name="${xmlText(s.workspaceName)}"><error message="${xmlText(s.syncedAt ? `last synced ${s.syncedAt}` : 'never synced')}"/></testcase>`);
    lines.push('  </testsuite>');
  }
  lines.push('</testsuites>');
  return lines.join('\n');
}

function sarif(r: PolicyCheckResult): string {
  const rules = [...new Set(r.violations.map((v) => v.rule))].sort();
  return JSON.stringify(
    {
      $schema: 'https://json.schemastore.org/sarif-2.1.0.json',
      version: '2.1.0',
      runs: [
        {
          tool: {
            driver: {
              name: 'grantdesk',
              informationUri: 'https://github.com/grantdesk/grantdesk',
              rules: rules.map((id) => ({ id, name: id, shortDescription: { text: POLICY_RULE_WORDS[id] } })),
            },
          },
          results: r.violations.map((v) => ({
            ruleId: v.rule,
            level: 'error',
            message: { text: `${v.message} Fix: ${v.fix.label} (${v.fix.cli}).` },
            locations: [{ physicalLocation: { artifactLocation: { uri: r.policyFile }, region: { startLine: v.line ?? 1 } } }],
            partialFingerprints: { grantdeskViolation: v.id },
            properties: { group: v.group, workspaceId: v.workspaceId, workspaceName: v.workspaceName, credentialId: v.credentialId, credentialName: v.credentialName },
          })),
        },
      ],
    },
    null,
    2,
  );
}

export function renderReport(r: PolicyCheckResult, format: ReportFormat): string {
  if (format === 'json') return JSON.stringify(r, null, 2);
  if (format === 'junit') return junit(r);
  if (format === 'sarif') return sarif(r);
  return text(r);
}
