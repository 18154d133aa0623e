/**
 * The member that carries an error's message, as each service model spells it. Athena and the Redshift
 * Data API declare `Message` on their error shapes (so the JS SDK sets `err.Message`); errors the AWS
 * request gateway raises for every JSON service (`UnrecognizedClientException`, `ThrottlingException`…)
 * and the other models use `message`.
 */
import type { ServiceName } from './types.js';

/** Error shapes whose message member is `Message`, per service model. */
const CAPITALIZED: Partial<Record<ServiceName, ReadonlySet<string>>> = {
  athena: new Set([
    'InternalServerException',
    'InvalidRequestException',
    'MetadataException',
    'ResourceNotFoundException',
    'SessionAlreadyExistsException',
    'TooManyRequestsException',
  ]),
  'redshift-data': new Set([
    'ActiveSessionsExceededException',
    'ActiveStatementsExceededException',
    'BatchExecuteStatementException',
    'DatabaseConnectionException',
    'ExecuteStatementException',
    'InternalServerException',
    'QueryTimeoutException',
    'ResourceNotFoundException',
    'ValidationException',
  ]),
};

/** `Message` or `message`: the member the model of `service` gives error `code` for its message. */
export function messageMember(service: ServiceName, code: string): 'Message' | 'message' {
  return CAPITALIZED[service]?.has(code) ? 'Message' : 'message';
}
