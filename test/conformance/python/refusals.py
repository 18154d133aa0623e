"""Refusals, as an independent client sees them: signatures scoped to another region, service or day,
S3 without its payload hash, unsigned SSO OIDC, session policies; and the STS query protocol over GET."""

import json
from urllib.parse import urlencode

from botocore import UNSIGNED
from botocore.config import Config

from harness import NO_RETRY, aws_cli, check, error_of, expect_error, session_keys, signed_request

WHO = 'Action=GetCallerIdentity&Version=2011-06-15'
FORM = {'Content-Type': 'application/x-www-form-urlencoded; charset=utf-8'}


def code_of(body):
    text = body.decode()
    if text.startswith('{'):
        return json.loads(text).get('__type')
    start = text.find('<Code>')
    return text[start + 6:text.find('</Code>')] if start >= 0 else None


@check('STS signed for another region: SignatureDoesNotMatch 403 (boto3 and the aws CLI)')
def sts_region(ctx):
    sts = ctx.client('sts', region_name='eu-west-1')
    info, _ = expect_error(sts.get_caller_identity, 'SignatureDoesNotMatch', 403)
    assert "eu-west-1" in info['Message'], info
    code, _, err = aws_cli(ctx, ['sts', 'get-caller-identity', '--region', 'eu-west-1'])
    assert code != 0 and 'SignatureDoesNotMatch' in err, (code, err)


@check('Athena signed for another region: InvalidSignatureException 400')
def athena_region(ctx):
    athena = ctx.client('athena', region_name='eu-west-1')
    expect_error(athena.list_work_groups, 'InvalidSignatureException', 400)


@check('a request signed for another service is SignatureDoesNotMatch 403 in STS XML, not JSON')
def wrong_service(ctx):
    status, headers, body = signed_request(ctx, 'athena', body=WHO.encode(), headers=FORM)
    assert status == 403 and code_of(body) == 'SignatureDoesNotMatch', (status, body)
    assert headers.get('content-type', headers.get('Content-Type', '')).startswith('text/xml'), headers
    assert b"scoped to correct service: &apos;sts&apos;" in body, body


@check('a credential scope date other than the x-amz-date day: SignatureDoesNotMatch 403')
def scope_date(ctx):
    def other_day(headers):
        auth = headers['Authorization']
        day = headers['X-Amz-Date'][:8]
        headers['Authorization'] = auth.replace(f'/{day}/', '/20200101/' if day != '20200101' else '/20200102/')
        return headers

    status, _, body = signed_request(ctx, 'sts', body=WHO.encode(), headers=FORM, prepare=other_day)
    assert status == 403 and code_of(body) == 'SignatureDoesNotMatch' and b'Date in Credential scope' in body, body


@check('S3 without x-amz-content-sha256: InvalidRequest 400')
def s3_no_payload_hash(ctx):
    status, _, body = signed_request(ctx, 's3', method='GET', path='/lake/team-a/report.csv',
                                     host=f'localhost:{ctx.port}')
    assert status == 400 and code_of(body) == 'InvalidRequest', (status, body)


@check('STS answers the query protocol over GET with the parameters in the query string')
def sts_get(ctx):
    params = {'Action': 'GetCallerIdentity', 'Version': '2011-06-15'}
    status, _, body = signed_request(ctx, 'sts', method='GET', path=f'/?{urlencode(params)}')
    assert status == 200 and b'<GetCallerIdentityResult>' in body, (status, body)


@check('SSO OIDC answers an unsigned CreateTokenWithIAM with its modelled AccessDeniedException')
def oidc_unsigned(ctx):
    oidc = ctx.client('sso-oidc', config=NO_RETRY.merge(Config(signature_version=UNSIGNED)))
    _, status, _, error = error_of(
        lambda: oidc.create_token_with_iam(
            clientId=ctx.env['TIP_APPLICATION_ARN'], grantType='urn:ietf:params:oauth:grant-type:jwt-bearer',
            assertion=ctx.token('alice'),
        )
    )
    assert status == 400 and isinstance(error, oidc.exceptions.AccessDeniedException), (status, type(error).__name__)


def plain_session(ctx, **policy):
    out = ctx.client('sts').assume_role(
        RoleArn=ctx.env['TIP_ACCESS_ROLE_ARN'], RoleSessionName='conformance-policy', **policy
    )
    return ctx.client('athena', session_keys(out['Credentials'])), out


@check('AssumeRole with an inline session policy gives the intersection with the role')
def session_policy(ctx):
    policy = json.dumps({'Version': '2012-10-17', 'Statement': [
        {'Effect': 'Allow', 'Action': 'athena:GetWorkGroup', 'Resource': '*'}]})
    athena, out = plain_session(ctx, Policy=policy)
    assert out['PackedPolicySize'] > 0
    assert athena.get_work_group(WorkGroup='primary')['WorkGroup']['Name'] == 'primary'
    expect_error(athena.list_work_groups, 'AccessDeniedException', 400)


@check('AssumeRole with PolicyArns naming a managed policy; a malformed policy is MalformedPolicyDocument')
def managed_policy(ctx):
    athena, _ = plain_session(ctx, PolicyArns=[{'arn': ctx.data['managedPolicyArn']}])
    assert athena.list_work_groups()['WorkGroups'], 'ListWorkGroups is in the managed policy'
    expect_error(lambda: athena.get_work_group(WorkGroup='primary'), 'AccessDeniedException', 400)
    sts = ctx.client('sts')
    _, _, _, error = error_of(lambda: sts.assume_role(
        RoleArn=ctx.env['TIP_ACCESS_ROLE_ARN'], RoleSessionName='bad-policy', Policy='{"Statement": ['))
    assert isinstance(error, sts.exceptions.MalformedPolicyDocumentException), type(error).__name__


CHECKS = [sts_region, athena_region, wrong_service, scope_date, s3_no_payload_hash, sts_get, oidc_unsigned,
          session_policy, managed_policy]
