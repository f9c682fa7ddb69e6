// A refused call's parameters in words a user can act on: "name must have at most 80 characters" rather than
// zod's "✖ Too big: expected string to have <=80 characters → at name". The schemas' own messages (api.ts) name
// what a field takes ("an Ethereum address (0x and 40 hex digits)"), so they read after "must be".
import type { z } from 'zod';
import { DaomeshError } from '../errors.ts';

type Issue = z.core.$ZodIssue;

/** The most issues one refusal lists: the first few say enough, and the message stays one line. */
const mostIssues = 4;

function fieldOf(path: readonly PropertyKey[]): string {
  let field = '';
  for (const key of path) field += typeof key === 'number' ? `[${key}]` : `${field === '' ? '' : '.'}${String(key)}`;
  return field;
}

function listOf(values: readonly unknown[]): string {
  const words = values.map((value) => String(value));
  return words.length < 2 ? words.join('') : `${words.slice(0, -1).join(', ')} or ${words.at(-1)}`;
}

function bound(issue: Extract<Issue, { code: 'too_big' | 'too_small' }>, most: boolean): string {
  const limit = Number(issue.code === 'too_big' ? issue.maximum : issue.minimum);
  const side = most ? (issue.inclusive === false ? 'less than' : 'at most') : issue.inclusive === false ? 'more than' : 'at least';
  switch (issue.origin) {
    case 'string':
      return !most && limit === 1 ? 'must not be empty' : `must have ${side} ${limit.toLocaleString('en')} ${limit === 1 ? 'character' : 'characters'}`;
    case 'array':
    case 'set':
      return !most && limit === 1 ? 'must not be empty' : `must have ${side} ${limit.toLocaleString('en')} ${limit === 1 ? 'item' : 'items'}`;
    default:
      return `must be ${side} ${limit.toLocaleString('en')}`;
  }
}

function describeIssue(issue: Issue): string {
  const field = fieldOf(issue.path);
  const subject = field === '' ? 'the request' : field;
  switch (issue.code) {
    case 'too_big':
      return `${subject} ${bound(issue, true)}`;
    case 'too_small':
      return `${subject} ${bound(issue, false)}`;
    case 'invalid_type':
      return issue.message.endsWith('received undefined') ? `${subject} is missing` : `${subject} must be ${/^[aeiou]/.test(issue.expected) ? 'an' : 'a'} ${issue.expected}`;
    case 'invalid_value':
      return `${subject} must be ${listOf(issue.values)}`;
    case 'invalid_union': {
      const options = (issue as { options?: unknown }).options;
      return Array.isArray(options) ? `${subject} must be ${listOf(options)}` : `${subject} matches none of the forms it may take`;
    }
    case 'unrecognized_keys':
      return `${field === '' ? '' : `${field} has `}unknown ${issue.keys.length === 1 ? 'field' : 'fields'} ${issue.keys.join(', ')}`;
    case 'invalid_format':
    case 'custom':
      return `${subject} must be ${issue.message}`;
    default:
      return `${subject}: ${issue.message}`;
  }
}

/** The issues as one line, without a full stop: `name must not be empty; founders[0] must be an Ethereum address (…)`. */
export function describeParamIssues(issues: readonly Issue[]): string {
  const described = issues.slice(0, mostIssues).map(describeIssue);
  if (issues.length > mostIssues) described.push(`and ${issues.length - mostIssues} more`);
  return described.join('; ');
}

/**
 * The refusal of a call whose parameters do not pass its schema: "Refused: name must not be empty." The method's
 * name stays out of it: the user typed `dao create` or pressed a button, not `dao.create`.
 */
export function paramsRefused(issues: readonly Issue[]): DaomeshError {
  return new DaomeshError('BAD_REQUEST', `Refused: ${describeParamIssues(issues)}.`);
}
