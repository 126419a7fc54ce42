/*
 * JUnit XML of a grading run, valid against the Apache Ant JUnit schema
 * (test/fixtures/junit/JUnit.xsd, windyroad/JUnit-Schema) that LMSs and CI read.
 *   junitXml(report)   one <testsuite>: a <testcase> per test, <failure> for a failed one
 * Deterministic: `time` is the run's virtual time in seconds, `timestamp` the
 * virtual epoch (1970-01-01T00:00:00) and `hostname` localhost: no wall clock, no host.
 */
import type { GradeReport } from './grade.js';

/** XML 1.0 forbids most control characters even escaped: they become U+FFFD. */
function xmlText(s: string): string {
  return s.replace(/[\u0000-\u0008\u000b\u000c\u000e-\u001f\ufffe\uffff]/g, '\ufffd')
    .replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

function xmlAttr(s: string): string {
  return xmlText(s).replace(/"/g, '&quot;').replace(/\n/g, '&#10;').replace(/\t/g, '&#9;').replace(/\r/g, '&#13;');
}

const seconds = (ns: number): string => (ns / 1e9).toFixed(9);

/** Output kept in the XML per test: an LMS shows it, a megabyte of it helps nobody. */
const MAX_OUTPUT_LINES = 200;

export function junitXml(r: GradeReport): string {
  const failures = r.tests.filter((t) => !t.passed && t.setupError === null).length;
  const errors = r.tests.filter((t) => t.setupError !== null).length;
  const totalNs = r.tests.reduce((a, t) => a + t.virtualNs, 0);
  const suite = r.assignment.trim() === '' ? 'assignment' : r.assignment;
  const out: string[] = ['<?xml version="1.0" encoding="UTF-8"?>'];
  out.push(`<testsuite name="${xmlAttr(suite)}" timestamp="1970-01-01T00:00:00" hostname="localhost" tests="${r.tests.length}" failures="${failures}" errors="${errors}" skipped="0" time="${seconds(totalNs)}">`);
  out.push('  <properties>');
  out.push(`    <property name="score" value="${r.score}"/>`);
  out.push(`    <property name="total" value="${r.total}"/>`);
  for (const t of r.tests) out.push(`    <property name="points:${xmlAttr(t.name)}" value="${t.scored}/${t.points}"/>`);
  out.push('  </properties>');
  for (const t of r.tests) {
    const head = `  <testcase name="${xmlAttr(t.name)}" classname="${xmlAttr(suite)}" time="${seconds(t.virtualNs)}"`;
    if (t.passed) { out.push(head + '/>'); continue; }
    out.push(head + '>');
    if (t.setupError !== null) {
      out.push(`    <error type="setup" message="${xmlAttr(t.setupError)}">${xmlText(t.setupError)}</error>`);
    } else {
      const failed = t.checks.filter((c) => !c.passed);
      const message = failed.map((c) => `${c.check}: ${c.detail}`).join('; ');
      out.push(`    <failure type="check" message="${xmlAttr(message)}">${xmlText(failed.map((c) => `${c.check}: ${c.detail}`).join('\n'))}</failure>`);
    }
    out.push('  </testcase>');
  }
  const lines = (pick: (t: GradeReport['tests'][number]) => readonly string[]): string =>
    r.tests.map((t) => [`== ${t.name}`, ...pick(t).slice(0, MAX_OUTPUT_LINES)].join('\n')).join('\n');
  out.push(`  <system-out>${xmlText(lines((t) => t.stdout))}</system-out>`);
  out.push(`  <system-err>${xmlText(lines((t) => t.stderr))}</system-err>`);
  out.push('</testsuite>');
  return out.join('\n') + '\n';
}
