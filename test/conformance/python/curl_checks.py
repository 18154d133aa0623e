"""The emulator as curl's own SigV4 signer (`curl --aws-sigv4`) sees it: STS GetCallerIdentity over POST and
GET with the user's identity-enhanced role credentials, an Athena JSON call read with botocore's parser
against the model, an S3 GetObject path-style inside the user's grant, and a signature scoped to another
region refused with each protocol's code and status."""

import json
import subprocess

from botocore.parsers import create_parser

from harness import MODELS, check, check_output
from identity import identity_session
from refusals import code_of

WHO = 'Action=GetCallerIdentity&Version=2011-06-15'
# The SHA-256 of an empty payload, signed as S3 requires (curl signs the x-amz-* headers it is given).
EMPTY_SHA = 'x-amz-content-sha256: e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855'


def curl(ctx, url, keys, service, region=None, data=None, headers=(), host='127.0.0.1'):
    """Runs the machine's curl signing with `keys` for `service` in `region`; returns (status, body)."""
    args = [
        'curl', '-sS', '--max-time', '60',
        '--resolve', f'{host}:{ctx.port}:127.0.0.1',
        '--aws-sigv4', f'aws:amz:{region or ctx.region}:{service}',
        '--user', f'{keys["aws_access_key_id"]}:{keys["aws_secret_access_key"]}',
        '-o', '-', '-w', '\n%{http_code}',
    ]
    if 'aws_session_token' in keys:
        args += ['-H', f'x-amz-security-token: {keys["aws_session_token"]}']
    for header in headers:
        args += ['-H', header]
    if data is not None:
        args += ['--data-binary', data]
    args.append(url.replace('HOST', f'{host}:{ctx.port}'))
    result = subprocess.run(args, capture_output=True, timeout=90)
    assert result.returncode == 0, f'curl exited {result.returncode}: {result.stderr.decode()[-400:]}'
    body, _, status = result.stdout.rpartition(b'\n')
    return int(status), body


def parsed(service, operation, status, body, protocol='json'):
    """The answer as botocore parses it for `operation` (the model's output shape)."""
    shape = MODELS.get_service_model(service).operation_model(operation).output_shape
    return create_parser(protocol).parse({'status_code': status, 'headers': {}, 'body': body}, shape)


def athena_call(ctx, keys, operation, payload, region=None):
    return curl(ctx, 'http://HOST/', keys, 'athena', region, data=json.dumps(payload), headers=(
        f'X-Amz-Target: AmazonAthena.{operation}', 'Content-Type: application/x-amz-json-1.1'))


@check('curl --aws-sigv4: STS GetCallerIdentity over POST and GET with alice\'s identity-enhanced role credentials')
def curl_sts(ctx):
    keys = identity_session(ctx, 'alice')
    status, body = curl(ctx, 'http://HOST/', keys, 'sts', data=WHO,
                        headers=('Content-Type: application/x-www-form-urlencoded; charset=utf-8',))
    assert status == 200, (status, body)
    who = parsed('sts', 'GetCallerIdentity', status, body, 'query')
    check_output('sts', 'GetCallerIdentity', who)
    assert who['Arn'].endswith('/conformance-alice') and ':assumed-role/' in who['Arn'], who['Arn']
    status, body = curl(ctx, f'http://HOST/?{WHO}', keys, 'sts')
    assert status == 200 and parsed('sts', 'GetCallerIdentity', status, body, 'query')['Arn'] == who['Arn'], body


@check('curl --aws-sigv4: Athena GetWorkGroup (X-Amz-Target, application/x-amz-json-1.1) answers the model shape')
def curl_athena(ctx):
    keys = identity_session(ctx, 'alice')
    status, body = athena_call(ctx, keys, 'GetWorkGroup', {'WorkGroup': 'analysts'})
    assert status == 200, (status, body)
    out = parsed('athena', 'GetWorkGroup', status, body)
    check_output('athena', 'GetWorkGroup', out)
    assert out['WorkGroup']['Name'] == 'analysts', out
    status, body = athena_call(ctx, keys, 'ListWorkGroups', {})
    assert status == 200 and 'analysts' in [w['Name'] for w in parsed('athena', 'ListWorkGroups', status, body)['WorkGroups']]


@check('curl --aws-sigv4: S3 GetObject path-style inside alice\'s grant, refused outside it')
def curl_s3(ctx):
    grant = ctx.data['_grants']['alice']
    keys = {'aws_access_key_id': grant['AccessKeyId'], 'aws_secret_access_key': grant['SecretAccessKey'],
            'aws_session_token': grant['SessionToken']}
    # curl before 8.x sends no x-amz-content-sha256 for s3, which S3 requires with SigV4.
    status, body = curl(ctx, 'http://HOST/lake/team-a/report.csv', keys, 's3', host='localhost')
    assert status == 400 and code_of(body) == 'InvalidRequest' or status == 200, (status, body)
    status, body = curl(ctx, 'http://HOST/lake/team-a/report.csv', keys, 's3', host='localhost', headers=(EMPTY_SHA,))
    assert (status, body) == (200, b'id,amount\n1,120.5\n'), (status, body)
    status, body = curl(ctx, 'http://HOST/lake/team-b/notes.txt', keys, 's3', host='localhost', headers=(EMPTY_SHA,))
    assert status == 403 and code_of(body) == 'AccessDenied', (status, body)


@check('curl --aws-sigv4 for another region: STS SignatureDoesNotMatch 403, Athena InvalidSignatureException 400, '
       'S3 AuthorizationHeaderMalformed 400')
def curl_wrong_region(ctx):
    keys = identity_session(ctx, 'alice')
    status, body = curl(ctx, 'http://HOST/', keys, 'sts', 'eu-west-1', data=WHO,
                        headers=('Content-Type: application/x-www-form-urlencoded; charset=utf-8',))
    assert status == 403 and code_of(body) == 'SignatureDoesNotMatch' and b'eu-west-1' in body, (status, body)
    status, body = athena_call(ctx, keys, 'ListWorkGroups', {}, region='eu-west-1')
    assert status == 400 and code_of(body) == 'InvalidSignatureException', (status, body)
    grant = ctx.data['_grants']['alice']
    s3_keys = {'aws_access_key_id': grant['AccessKeyId'], 'aws_secret_access_key': grant['SecretAccessKey'],
               'aws_session_token': grant['SessionToken']}
    status, body = curl(ctx, 'http://HOST/lake/team-a/report.csv', s3_keys, 's3', 'eu-west-1', host='localhost',
                        headers=(EMPTY_SHA,))
    assert status == 400 and code_of(body) == 'AuthorizationHeaderMalformed', (status, body)
    assert f'<Region>{ctx.region}</Region>'.encode() in body, body


CHECKS = [curl_sts, curl_athena, curl_s3, curl_wrong_region]
