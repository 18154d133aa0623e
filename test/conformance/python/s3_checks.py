"""S3 with the credentials GetDataAccess vends: boto3 get/put/list (v1, v2)/copy/delete/multipart and the
aws CLI's `s3 cp` (9 MiB, multipart), `s3 cp s3://… s3://…` and `s3 rm`: allowed under READWRITE,
refused under READ. Also virtual-hosted addressing and botocore's region redirect."""

import json
import os

from botocore.config import Config

from harness import NO_RETRY, aws_cli, check, check_output, expect_error, session_keys

MiB = 1024 * 1024


def s3(ctx, user, **config):
    keys = session_keys(ctx.data['_grants'][user])
    if not config:
        return ctx.client('s3', keys)
    return ctx.client('s3', keys, config=NO_RETRY.merge(Config(**config)))


def s3_url(key):
    return f's3://lake/{key}'


@check('alice (READ): boto3 reads and lists (v1 and v2) inside the grant')
def alice_reads(ctx):
    client = s3(ctx, 'alice')
    got = client.get_object(Bucket='lake', Key='team-a/report.csv')
    assert got['Body'].read() == b'id,amount\n1,120.5\n'
    check_output('s3', 'HeadObject', client.head_object(Bucket='lake', Key='team-a/report.csv'))
    v2 = client.list_objects_v2(Bucket='lake', Prefix='team-a/')
    check_output('s3', 'ListObjectsV2', v2)
    v1 = client.list_objects(Bucket='lake', Prefix='team-a/')
    check_output('s3', 'ListObjects', v1)
    assert [o['Key'] for o in v1['Contents']] == [o['Key'] for o in v2['Contents']] == ['team-a/report.csv']


@check('alice (READ): boto3 put, delete, batch delete, copy and multipart are refused')
def alice_writes_refused(ctx):
    client = s3(ctx, 'alice')
    expect_error(lambda: client.put_object(Bucket='lake', Key='team-a/new.csv', Body=b'x'), 'AccessDenied', 403)
    expect_error(lambda: client.delete_object(Bucket='lake', Key='team-a/report.csv'), 'AccessDenied', 403)
    expect_error(
        lambda: client.copy_object(Bucket='lake', Key='team-a/copy.csv', CopySource='lake/team-a/report.csv'),
        'AccessDenied', 403,
    )
    expect_error(lambda: client.create_multipart_upload(Bucket='lake', Key='team-a/big'), 'AccessDenied', 403)
    batch = client.delete_objects(Bucket='lake', Delete={'Objects': [{'Key': 'team-a/report.csv'}]})
    assert [e['Code'] for e in batch['Errors']] == ['AccessDenied'], batch
    assert client.get_object(Bucket='lake', Key='team-a/report.csv')['ContentLength'] > 0


@check('bob (READWRITE): boto3 put, get, copy, delete and batch delete inside the grant')
def bob_writes(ctx):
    client = s3(ctx, 'bob')
    put = client.put_object(Bucket='lake', Key='team-b/a.txt', Body=b'alpha')
    check_output('s3', 'PutObject', put)
    copied = client.copy_object(Bucket='lake', Key='team-b/b.txt', CopySource={'Bucket': 'lake', 'Key': 'team-b/a.txt'})
    check_output('s3', 'CopyObject', copied)
    assert client.get_object(Bucket='lake', Key='team-b/b.txt')['Body'].read() == b'alpha'
    client.delete_object(Bucket='lake', Key='team-b/a.txt')
    expect_error(lambda: client.get_object(Bucket='lake', Key='team-b/a.txt'), 'NoSuchKey', 404)
    batch = client.delete_objects(Bucket='lake', Delete={'Objects': [{'Key': 'team-b/b.txt'}, {'Key': 'team-a/report.csv'}]})
    check_output('s3', 'DeleteObjects', batch)
    assert [d['Key'] for d in batch['Deleted']] == ['team-b/b.txt'], batch
    assert [(e['Key'], e['Code']) for e in batch['Errors']] == [('team-a/report.csv', 'AccessDenied')], batch


@check('bob (READWRITE): boto3 multipart upload with ListParts, Complete and Abort')
def bob_multipart(ctx):
    client = s3(ctx, 'bob')
    key = 'team-b/multi.bin'
    upload = client.create_multipart_upload(Bucket='lake', Key=key)
    check_output('s3', 'CreateMultipartUpload', upload)
    uid = upload['UploadId']
    p1 = client.upload_part(Bucket='lake', Key=key, UploadId=uid, PartNumber=1, Body=b'1' * (5 * MiB))
    p2 = client.upload_part(Bucket='lake', Key=key, UploadId=uid, PartNumber=2, Body=b'2' * 10)
    parts = client.list_parts(Bucket='lake', Key=key, UploadId=uid)
    check_output('s3', 'ListParts', parts)
    assert [p['PartNumber'] for p in parts['Parts']] == [1, 2]
    done = client.complete_multipart_upload(
        Bucket='lake', Key=key, UploadId=uid,
        MultipartUpload={'Parts': [{'PartNumber': 1, 'ETag': p1['ETag']}, {'PartNumber': 2, 'ETag': p2['ETag']}]},
    )
    check_output('s3', 'CompleteMultipartUpload', done)
    assert done['ETag'].endswith('-2"'), done['ETag']
    assert client.head_object(Bucket='lake', Key=key)['ContentLength'] == 5 * MiB + 10
    other = client.create_multipart_upload(Bucket='lake', Key='team-b/aborted.bin')['UploadId']
    client.abort_multipart_upload(Bucket='lake', Key='team-b/aborted.bin', UploadId=other)
    expect_error(lambda: client.list_parts(Bucket='lake', Key='team-b/aborted.bin', UploadId=other), 'NoSuchUpload', 404)


def cli_s3(ctx, user, args):
    return aws_cli(ctx, ['s3', *args], session_keys(ctx.data['_grants'][user]))


@check('bob (READWRITE): aws s3 cp of a 9 MiB file (multipart), s3 cp s3:// s3://, s3 rm')
def bob_cli(ctx):
    local = os.path.join(ctx.data['workdir'], 'nine.bin')
    with open(local, 'wb') as f:
        f.write(os.urandom(9 * MiB))
    for args in (
        ['cp', local, s3_url('team-b/nine.bin')],
        ['cp', s3_url('team-b/nine.bin'), s3_url('team-b/nine-copy.bin')],
        ['cp', s3_url('team-b/nine-copy.bin'), local + '.back'],
        ['rm', s3_url('team-b/nine-copy.bin')],
    ):
        code, _, err = cli_s3(ctx, 'bob', args)
        assert code == 0, f'aws s3 {" ".join(args[:1])} exited {code}: {err.strip()[-300:]}'
    with open(local, 'rb') as a, open(local + '.back', 'rb') as b:
        assert a.read() == b.read(), 'the copied object differs from the upload'
    code, out, err = cli_s3(ctx, 'bob', ['ls', s3_url('team-b/')])
    assert code == 0 and 'nine.bin' in out and 'nine-copy.bin' not in out, (out, err)
    # The 9 MiB upload went through the multipart operations: its ETag names its part count.
    code, out, err = aws_cli(
        ctx, ['s3api', 'head-object', '--bucket', 'lake', '--key', 'team-b/nine.bin', '--output', 'json'],
        session_keys(ctx.data['_grants']['bob']),
    )
    assert code == 0 and json.loads(out)['ETag'].endswith('-2"'), (out, err)


@check('alice (READ): aws s3 cp up, s3 cp s3:// s3:// and s3 rm are refused; s3 ls and cp down work')
def alice_cli(ctx):
    local = os.path.join(ctx.data['workdir'], 'small.txt')
    with open(local, 'w') as f:
        f.write('not allowed')
    for args in (
        ['cp', local, s3_url('team-a/new.txt')],
        ['cp', s3_url('team-a/report.csv'), s3_url('team-a/copy.csv')],
        ['rm', s3_url('team-a/report.csv')],
    ):
        code, _, err = cli_s3(ctx, 'alice', args)
        assert code != 0 and 'AccessDenied' in err, f'aws s3 {args[0]} exited {code}: {err.strip()[-300:]}'
    code, out, err = cli_s3(ctx, 'alice', ['ls', s3_url('team-a/')])
    assert code == 0 and 'report.csv' in out, err
    code, _, err = cli_s3(ctx, 'alice', ['cp', s3_url('team-a/report.csv'), local + '.down'])
    assert code == 0, err


@check('S3 virtual-hosted addressing: lake.s3.<region>.amazonaws.com (resolver) and lake.localhost')
def virtual_hosted(ctx):
    keys = session_keys(ctx.data['_grants']['alice'])
    for endpoint in (f'http://s3.us-east-1.amazonaws.com:{ctx.port}', f'http://localhost:{ctx.port}'):
        client = ctx.client('s3', keys, endpoint_url=endpoint, config=NO_RETRY.merge(Config(s3={'addressing_style': 'virtual'})))
        assert client.get_object(Bucket='lake', Key='team-a/report.csv')['ContentLength'] > 0, endpoint


@check('S3 signed for another region: AuthorizationHeaderMalformed 400 with <Region>, and botocore redirects')
def region_redirect(ctx):
    keys = session_keys(ctx.data['_grants']['alice'])
    client = ctx.client('s3', keys, region_name='eu-west-1')
    before = len(ctx.answers('GetObject'))
    assert client.get_object(Bucket='lake', Key='team-a/report.csv')['ContentLength'] > 0
    answers = ctx.answers('GetObject')[before:]
    assert answers[0] == (400, 'AuthorizationHeaderMalformed') and answers[-1][0] == 200, answers


CHECKS = [alice_reads, alice_writes_refused, bob_writes, bob_multipart, bob_cli, alice_cli, virtual_hosted, region_redirect]
