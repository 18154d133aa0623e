import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { errorResponse } from '../../src/http/error-response.js';
import { isPermissionRefusal, queryFailureError } from '../../src/services/query-failure.js';

const SETTINGS = { realm: 'api', retryAfterSeconds: 1 };

describe('query failures', () => {
  it.each([
    // Athena (Lake Formation, Trino, S3 while reading or writing results)
    ['athena', 'Insufficient Lake Formation permission(s) on finance', 'ERR_ACCESS_DENIED'],
    ['athena', 'Insufficient Lake Formation permission(s): Required Select on orders', 'ERR_ACCESS_DENIED'],
    ['athena', 'PERMISSION_DENIED: Cannot select from columns [salary]', 'ERR_ACCESS_DENIED'],
    [
      'athena',
      'Access Denied (Service: Amazon S3; Status Code: 403; Error Code: AccessDenied; Request ID: 1)',
      'ERR_ACCESS_DENIED',
    ],
    ['athena', 'TABLE_NOT_FOUND: Table awsdatacatalog.sales.nope does not exist', 'ERR_QUERY_FAILED'],
    ['athena', 'SYNTAX_ERROR: line 1:8: Column x cannot be resolved', 'ERR_QUERY_FAILED'],
    ['athena', 'GENERIC_INTERNAL_ERROR: the query engine failed.', 'ERR_QUERY_FAILED'],
    ['athena', '', 'ERR_QUERY_FAILED'],
    // Redshift (Postgres privilege errors)
    ['redshift-data', 'ERROR: permission denied for relation revenue', 'ERR_ACCESS_DENIED'],
    ['redshift-data', 'ERROR: permission denied for schema finance', 'ERR_ACCESS_DENIED'],
    ['redshift-data', 'ERROR: permission denied for table revenue', 'ERR_ACCESS_DENIED'],
    ['redshift-data', 'ERROR: relation "nope" does not exist', 'ERR_QUERY_FAILED'],
    ['redshift-data', 'ERROR: syntax error at or near "selec"', 'ERR_QUERY_FAILED'],
  ] as const)('%s "%s" → %s', (service, reason, code) => {
    const error = queryFailureError({ service, queryId: 'q-1', state: 'FAILED', cancelled: false, reason });
    expect(error.code).toBe(code);
    expect(error.details).toMatchObject({ service, queryId: 'q-1', state: 'FAILED', reason });
    // The HTTP adapters answer a refusal like any denial (403), a broken query 500.
    expect(errorResponse(error, SETTINGS).status).toBe(code === 'ERR_ACCESS_DENIED' ? 403 : 500);
  });

  it('keeps a cancellation ERR_QUERY_FAILED, whatever its message says', () => {
    const error = queryFailureError({
      service: 'redshift-data',
      queryId: 's-1',
      state: 'ABORTED',
      cancelled: true,
      reason: 'permission denied for relation x',
    });
    expect(error.code).toBe('ERR_QUERY_FAILED');
    expect(error.message).toMatch(/^Redshift statement s-1 was cancelled: /);
  });

  it('ends every message with one period, whatever punctuation the service message ends with', () => {
    fc.assert(
      fc.property(
        fc.constantFrom('athena', 'redshift-data'),
        fc.boolean(),
        fc.constantFrom('ERROR: permission denied for relation t', 'SYNTAX_ERROR: bad', ''),
        fc.constantFrom('', '.', '..', '. ', ' .'),
        (service, cancelled, text, ending) => {
          const reason = text === '' ? '' : `${text}${ending}`;
          const { message } = queryFailureError({ service, queryId: 'q', state: 'X', cancelled, reason });
          expect(message).not.toMatch(/[^.]\.\s*\.(?!\.)/);
        },
      ),
    );
  });

  it('does not take a table named like a refusal for one', () => {
    expect(isPermissionRefusal('TABLE_NOT_FOUND: Table access_log does not exist')).toBe(false);
    expect(isPermissionRefusal('COLUMN_NOT_FOUND: Column denied_at cannot be resolved')).toBe(false);
  });
});
