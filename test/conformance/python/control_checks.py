"""What needs the emulator's clock or its fault table, driven from this process through its control routes
(`/_emulator/clock`, `/_emulator/faults`, development only): expired session credentials, injected
throttling and botocore's retries of it; and the result-reuse members Athena always answers."""

import json
import urllib.request

from botocore.config import Config

from harness import NO_RETRY, aws_cli, check, check_shape, expect_error, MODELS, session_keys
from identity import identity_session
from services import athena_query

RETRY_3 = Config(retries={'total_max_attempts': 3, 'mode': 'standard'})


def control(ctx, route, body=None, method='POST'):
    """Calls a control route of the emulator; returns its JSON answer."""
    data = None if body is None else json.dumps(body).encode()
    req = urllib.request.Request(f'http://127.0.0.1:{ctx.port}/_emulator/{route}', data=data, method=method)
    if data is not None:
        req.add_header('Content-Type', 'application/json')
    with urllib.request.urlopen(req) as response:
        assert response.status == 200, response.status
        return json.loads(response.read())


@check('expired session credentials: botocore raises ExpiredToken 403 on STS and Redshift, the aws CLI says '
       'ExpiredToken (clock moved through the control route)')
def expired_session(ctx):
    out = ctx.client('sts').assume_role(RoleArn=ctx.env['TIP_ACCESS_ROLE_ARN'], RoleSessionName='conformance-expiry',
                                        DurationSeconds=900)
    keys = session_keys(out['Credentials'])
    sts = ctx.client('sts', keys)
    assert sts.get_caller_identity()['Arn'].endswith('/conformance-expiry')
    moved = control(ctx, 'clock', {'advanceMs': 16 * 60 * 1000})
    try:
        assert moved['now'] > out['Credentials']['Expiration'].timestamp() * 1000, moved
        # The gateway's ExpiredToken, as STS answers expired session credentials: not the modelled
        # ExpiredTokenException, which is about web identity tokens.
        info, _ = expect_error(sts.get_caller_identity, 'ExpiredToken', 403)
        assert 'expired' in info['Message'], info
        redshift = ctx.client('redshift', keys)
        expect_error(lambda: redshift.get_identity_center_auth_token(ClusterIds=[ctx.data['cluster']]),
                     'ExpiredToken', 403)
        code, _, err = aws_cli(ctx, ['sts', 'get-caller-identity'], keys)
        assert code != 0 and 'ExpiredToken' in err, (code, err)
    finally:
        control(ctx, 'clock', {'reset': True})
    assert sts.get_caller_identity()['Arn'].endswith('/conformance-expiry'), 'the clock reset revives the session'


def throttled_then_retried(ctx, service, call, operation, code, status, keys=None, **client_options):
    """One throttled answer without retries, then two throttled attempts and a success with retries."""
    name = f'{service}:{operation}'
    control(ctx, 'faults', {'operation': name, 'throttle': True, 'times': 1})
    expect_error(lambda: call(ctx.client(service, keys, config=NO_RETRY, **client_options)), code, status)
    control(ctx, 'faults', {'operation': name, 'throttle': True, 'times': 2})
    before = len(ctx.answers(operation))
    out = call(ctx.client(service, keys, config=RETRY_3, **client_options))
    assert out['ResponseMetadata']['RetryAttempts'] == 2, out['ResponseMetadata']
    answers = ctx.answers(operation)[before:]
    assert answers == [(status, code), (status, code), (200, None)], answers


@check('injected throttling: STS Throttling 400, Athena ThrottlingException 400, S3 SlowDown 503; botocore '
       'retries each (RetryAttempts 2)')
def throttling(ctx):
    try:
        throttled_then_retried(ctx, 'sts', lambda c: c.get_caller_identity(), 'GetCallerIdentity', 'Throttling', 400)
        throttled_then_retried(ctx, 'athena', lambda c: c.list_work_groups(), 'ListWorkGroups',
                               'ThrottlingException', 400, identity_session(ctx, 'alice'))
        grant = session_keys(ctx.data['_grants']['alice'])
        # GetObject, not HeadObject: a HEAD answer has no body to carry the code.
        throttled_then_retried(ctx, 's3', lambda c: c.get_object(Bucket='lake', Key='team-a/report.csv'),
                               'GetObject', 'SlowDown', 503, grant, endpoint_url=f'http://localhost:{ctx.port}')
        control(ctx, 'faults', {'operation': 'sts:GetCallerIdentity', 'throttle': True, 'times': 1})
        code, _, err = aws_cli(ctx, ['sts', 'get-caller-identity'])
        assert code != 0 and 'Throttling' in err, (code, err)
    finally:
        assert control(ctx, 'faults', method='DELETE') == {'active': 0}


@check('Athena GetQueryExecution answers ResultReuseConfiguration and Statistics.ResultReuseInformation')
def result_reuse(ctx):
    athena = ctx.client('athena', identity_session(ctx, 'alice'))
    _, execution = athena_query(ctx, athena, 'SELECT id FROM sales.orders')
    assert execution['Status']['State'] == 'SUCCEEDED', execution['Status']
    shape = MODELS.get_service_model('athena').shape_for('QueryExecution')
    for member, value in (('ResultReuseConfiguration', execution.get('ResultReuseConfiguration')),
                          ('Statistics', execution.get('Statistics'))):
        assert value is not None, f'QueryExecution.{member} is missing'
        check_shape(shape.members[member], value, f'QueryExecution.{member}')
    reuse = execution['Statistics'].get('ResultReuseInformation')
    assert reuse is not None, 'QueryExecution.Statistics.ResultReuseInformation is missing'
    assert reuse['ReusedPreviousResult'] is False, reuse
    assert 'ResultReuseByAgeConfiguration' in execution['ResultReuseConfiguration'], execution['ResultReuseConfiguration']


CHECKS = [result_reuse, expired_session, throttling]
