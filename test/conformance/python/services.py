"""Athena (with Lake Formation rows and columns), the Redshift Data API, both GetIdentityCenterAuthToken
operations and S3 Access Grants GetDataAccess, with boto3, for each demo user; and the error shapes of
those models."""

import json
import time

from harness import check, check_json_timestamps, check_output, error_of, expect_error, signed_request
from identity import identity_session

FINAL = {'SUCCEEDED', 'FAILED', 'CANCELLED'}


def athena_query(ctx, athena, sql):
    qid = athena.start_query_execution(QueryString=sql, WorkGroup='analysts')['QueryExecutionId']
    for _ in range(200):
        execution = athena.get_query_execution(QueryExecutionId=qid)
        if execution['QueryExecution']['Status']['State'] in FINAL:
            break
        time.sleep(0.05)
    check_output('athena', 'GetQueryExecution', execution)
    check_json_timestamps('athena', 'GetQueryExecution', ctx.last_raw('GetQueryExecution')[1])
    return qid, execution['QueryExecution']


def athena_rows(athena, qid):
    out = athena.get_query_results(QueryExecutionId=qid)
    check_output('athena', 'GetQueryResults', out)
    assert 'UpdateCount' in out, 'GetQueryResults has no UpdateCount'
    rows = [[d.get('VarCharValue') for d in r['Data']] for r in out['ResultSet']['Rows']]
    return rows[0], rows[1:]


def redshift_run(ctx, data, sql):
    sid = data.execute_statement(WorkgroupName=ctx.data['workgroup'], Database='dev', Sql=sql)['Id']
    for _ in range(200):
        described = data.describe_statement(Id=sid)
        if described['Status'] in ('FINISHED', 'FAILED', 'ABORTED'):
            break
        time.sleep(0.05)
    check_output('redshift-data', 'DescribeStatement', described)
    check_json_timestamps('redshift-data', 'DescribeStatement', ctx.last_raw('DescribeStatement')[1])
    return sid, described


def checks_for(user, grant_target, other_target):
    @check(f'{user}: Athena applies the Lake Formation row filter and column grant')
    def athena(ctx):
        client = ctx.client('athena', identity_session(ctx, user))
        if user == 'alice':
            qid, execution = athena_query(ctx, client, 'SELECT id, region, amount FROM sales.orders ORDER BY id')
            assert execution['Status']['State'] == 'SUCCEEDED', execution['Status']
            header, rows = athena_rows(client, qid)
            assert header == ['id', 'region', 'amount'] and [r[1] for r in rows] == ['eu', 'eu'], rows
        else:
            qid, execution = athena_query(ctx, client, 'SELECT * FROM sales.orders ORDER BY id')
            assert execution['Status']['State'] == 'SUCCEEDED', execution['Status']
            header, rows = athena_rows(client, qid)
            assert header == ['id', 'region'] and len(rows) == 3, (header, rows)
            _, denied = athena_query(ctx, client, 'SELECT amount FROM sales.orders')
            assert denied['Status']['State'] == 'FAILED'
            assert denied['Status']['StateChangeReason'].startswith('COLUMN_NOT_FOUND'), denied['Status']

    @check(f'{user}: the Redshift Data API runs the statement as AWSIDC:{user}')
    def redshift(ctx):
        data = ctx.client('redshift-data', identity_session(ctx, user))
        sid, described = redshift_run(ctx, data, 'select current_user')
        assert described['Status'] == 'FINISHED', described
        result = data.get_statement_result(Id=sid)
        check_output('redshift-data', 'GetStatementResult', result)
        assert result['Records'][0][0]['stringValue'] == f'AWSIDC:{user}', result['Records']
        _, events = redshift_run(ctx, data, 'select count(*) from public.events')
        # The analysts group (alice) is granted public.events; the engineers (bob) are not.
        assert events['Status'] == ('FINISHED' if user == 'alice' else 'FAILED'), events

    @check(f'{user}: both GetIdentityCenterAuthToken operations answer a token and its expiry')
    def auth_tokens(ctx):
        keys = identity_session(ctx, user)
        provisioned = ctx.client('redshift', keys).get_identity_center_auth_token(ClusterIds=[ctx.data['cluster']])
        check_output('redshift', 'GetIdentityCenterAuthToken', provisioned)
        serverless = ctx.client('redshift-serverless', keys).get_identity_center_auth_token(
            workgroupNames=[ctx.data['workgroup']]
        )
        check_output('redshift-serverless', 'GetIdentityCenterAuthToken', serverless)
        check_json_timestamps('redshift-serverless', 'GetIdentityCenterAuthToken', ctx.last_raw('GetIdentityCenterAuthToken')[1])
        assert provisioned['Token'] and serverless['token']

    @check(f'{user}: GetDataAccess vends credentials for the grant {grant_target}, not for {other_target}')
    def data_access(ctx):
        control = ctx.client('s3control', identity_session(ctx, user), endpoint_url=f'http://localhost:{ctx.port}')
        permission = 'READ' if user == 'alice' else 'READWRITE'
        out = control.get_data_access(AccountId='123456789012', Target=grant_target, Permission=permission)
        check_output('s3control', 'GetDataAccess', out)
        assert out['MatchedGrantTarget'] == grant_target, out['MatchedGrantTarget']
        ctx.data.setdefault('_grants', {})[user] = out['Credentials']
        expect_error(
            lambda: control.get_data_access(AccountId='123456789012', Target=other_target, Permission='READ'),
            'AccessDenied',
            403,
        )

    return [athena, redshift, auth_tokens, data_access]


@check('Redshift Serverless refuses plain IAM credentials with AccessDeniedException 403')
def serverless_denied(ctx):
    serverless = ctx.client('redshift-serverless')
    expect_error(lambda: serverless.get_identity_center_auth_token(workgroupNames=[ctx.data['workgroup']]),
                 'AccessDeniedException', 403)


@check('Athena InvalidRequestException carries Message and AthenaErrorCode, as modelled')
def athena_error_shape(ctx):
    athena = ctx.client('athena', identity_session(ctx, 'alice'))
    code, status, info, error = error_of(
        lambda: athena.get_query_execution(QueryExecutionId='00000000-0000-0000-0000-000000000000')
    )
    assert (code, status) == ('InvalidRequestException', 400), (code, status)
    assert isinstance(error, athena.exceptions.InvalidRequestException)
    body = json.loads(ctx.last_raw('GetQueryExecution')[1])
    assert 'Message' in body and 'AthenaErrorCode' in body, body
    assert error.response.get('AthenaErrorCode') == 'INVALID_INPUT', error.response


@check('Redshift Data ValidationException and ResourceNotFoundException carry Message, as modelled')
def redshift_error_shape(ctx):
    data = ctx.client('redshift-data', identity_session(ctx, 'alice'))
    _, _, _, invalid = error_of(lambda: data.describe_statement(Id='not-an-id'))
    assert isinstance(invalid, data.exceptions.ValidationException)
    assert 'Message' in json.loads(ctx.last_raw('DescribeStatement')[1])
    _, status, _, missing = error_of(lambda: data.describe_statement(Id='11111111-2222-3333-4444-555555555555'))
    assert isinstance(missing, data.exceptions.ResourceNotFoundException) and status == 404
    assert json.loads(ctx.last_raw('DescribeStatement')[1])['Message'] == 'Query does not exist.'


@check('a JSON member of the wrong type is SerializationException 400')
def serialization(ctx):
    body = json.dumps({'QueryExecutionId': 'x', 'MaxResults': 'ten'}).encode()
    status, _, raw = signed_request(
        ctx, 'athena', body=body,
        headers={'Content-Type': 'application/x-amz-json-1.1', 'X-Amz-Target': 'AmazonAthena.GetQueryResults'},
    )
    assert status == 400 and json.loads(raw)['__type'] == 'SerializationException', (status, raw)


CHECKS = [
    *checks_for('alice', 's3://lake/team-a/*', 's3://lake/team-b/*'),
    *checks_for('bob', 's3://lake/team-b/*', 's3://lake/team-a/*'),
    serverless_denied,
    athena_error_shape,
    redshift_error_shape,
    serialization,
]
