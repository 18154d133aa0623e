"""What every conformance check shares: a resolver for AWS and *.localhost names, boto3 clients aimed at
the emulator, the botocore model checks (required members, member types, the wire format of timestamps),
a hand-written SigV4 request sender, the aws CLI runner, and the check registry that reports to vitest."""

import contextlib
import datetime
import io
import json
import os
import socket
import traceback
import urllib.error
import urllib.request

import boto3
import botocore.session
from awscli.clidriver import create_clidriver
from botocore.auth import SigV4Auth
from botocore.awsrequest import AWSRequest
from botocore.config import Config
from botocore.credentials import Credentials
from botocore.exceptions import ClientError
from botocore.response import StreamingBody

_real_getaddrinfo = socket.getaddrinfo


def _loopback_getaddrinfo(host, *args, **kwargs):
    """Resolves *.localhost and *.amazonaws.com to 127.0.0.1, as a hosts file or resolver would."""
    name = host.decode() if isinstance(host, bytes) else host
    if isinstance(name, str) and (name.endswith('.localhost') or name.endswith('.amazonaws.com')):
        return _real_getaddrinfo('127.0.0.1', *args, **kwargs)
    return _real_getaddrinfo(host, *args, **kwargs)


socket.getaddrinfo = _loopback_getaddrinfo

# The data path the aws CLI's import set (its own models after any the environment named).
_CLI_DATA_PATH = os.environ['AWS_DATA_PATH']

MODELS = botocore.session.get_session()
NO_RETRY = Config(retries={'total_max_attempts': 1, 'mode': 'standard'})


class Context:
    """The emulator under test, as the CLI's environment block and the driver describe it."""

    def __init__(self, data):
        self.data = data
        self.env = data['env']
        self.endpoint = self.env['AWS_ENDPOINT_URL']
        self.region = self.env['AWS_DEFAULT_REGION']
        self.port = int(self.endpoint.rsplit(':', 1)[1])
        self.service_keys = {
            'aws_access_key_id': self.env['AWS_ACCESS_KEY_ID'],
            'aws_secret_access_key': self.env['AWS_SECRET_ACCESS_KEY'],
        }
        self.tokens = {user: list(t) for user, t in data['tokens'].items()}
        self.raw = []  # (service, operation, status, body) of every answer, newest last

    def token(self, user):
        """A fresh user JWT (each may be exchanged once)."""
        return self.tokens[user].pop()

    def client(self, service, keys=None, **kwargs):
        options = dict(region_name=self.region, endpoint_url=self.endpoint, config=NO_RETRY)
        options.update(keys if keys is not None else self.service_keys)
        options.update(kwargs)
        client = boto3.client(service, **options)
        client.meta.events.register('response-received', self._record)
        return client

    def _record(self, event_name, response_dict=None, parsed_response=None, **_):
        """Every answer, each attempt (a redirect or retry included): operation, status, body, error code."""
        if response_dict is None:
            return
        body = response_dict.get('body')
        error = (parsed_response or {}).get('Error')
        code = error.get('Code') if isinstance(error, dict) else None  # DescribeStatement has an `Error` string
        self.raw.append((event_name.rsplit('.', 1)[1], response_dict['status_code'], body if isinstance(body, bytes) else b'', code))

    def last_raw(self, operation):
        """Status and body of the newest answer to `operation`."""
        for name, status, body, _code in reversed(self.raw):
            if name == operation:
                return status, body
        raise AssertionError(f'no answer recorded for {operation}')

    def answers(self, operation):
        """(status, error code) of every answer to `operation`, oldest first."""
        return [(status, code) for name, status, _body, code in self.raw if name == operation]


def session_keys(credentials):
    return {
        'aws_access_key_id': credentials['AccessKeyId'],
        'aws_secret_access_key': credentials['SecretAccessKey'],
        'aws_session_token': credentials['SessionToken'],
    }


# ---- model checks -------------------------------------------------------------------------------

_PY_TYPES = {
    'string': str,
    'integer': int,
    'long': int,
    'boolean': bool,
    'double': (int, float),
    'float': (int, float),
    'timestamp': datetime.datetime,
    'list': list,
    'map': dict,
    'structure': dict,
}


def check_shape(shape, value, path='output'):
    """Asserts that a parsed value fits a botocore shape: required members, member types, enums."""
    kind = shape.type_name
    if kind == 'blob':
        assert isinstance(value, (bytes, bytearray, StreamingBody)), f'{path}: expected a blob'
        return
    expected = _PY_TYPES.get(kind)
    assert expected is not None, f'{path}: no check for shape type {kind}'
    assert isinstance(value, expected) and not (kind in ('integer', 'long') and isinstance(value, bool)), (
        f'{path}: expected {kind}, got {type(value).__name__}'
    )
    if kind == 'string' and shape.enum:
        assert value in shape.enum, f'{path}: {value!r} is not one of {shape.enum}'
    if kind == 'structure':
        for member in shape.required_members:
            assert member in value, f'{path}: required member {member} is missing'
        for name, member in shape.members.items():
            if name in value and name != 'ResponseMetadata':
                check_shape(member, value[name], f'{path}.{name}')
    elif kind == 'list':
        for i, item in enumerate(value):
            check_shape(shape.member, item, f'{path}[{i}]')
    elif kind == 'map':
        for key, item in value.items():
            check_shape(shape.value, item, f'{path}.{key}')


def check_output(service, operation, parsed):
    """Checks a parsed answer against the operation's output shape in botocore's model."""
    shape = MODELS.get_service_model(service).operation_model(operation).output_shape
    if shape is not None:
        check_shape(shape, {k: v for k, v in parsed.items() if k != 'ResponseMetadata'})


def check_json_timestamps(service, operation, body):
    """JSON protocols: each timestamp on the wire in its model format (epoch seconds unless the member says iso8601)."""
    model = MODELS.get_service_model(service)
    shape = model.operation_model(operation).output_shape
    raw = json.loads(body)

    def walk(s, v, path):
        if v is None:
            return
        if s.type_name == 'timestamp':
            fmt = s.serialization.get('timestampFormat', 'unixTimestamp')
            if fmt == 'unixTimestamp':
                assert isinstance(v, (int, float)) and not isinstance(v, bool), f'{path}: expected epoch seconds, got {v!r}'
            else:
                assert isinstance(v, str), f'{path}: expected a {fmt} string, got {v!r}'
        elif s.type_name == 'structure':
            for name, member in s.members.items():
                wire = member.serialization.get('name', name)
                if isinstance(v, dict) and wire in v:
                    walk(member, v[wire], f'{path}.{name}')
        elif s.type_name == 'list':
            for i, item in enumerate(v):
                walk(s.member, item, f'{path}[{i}]')
        elif s.type_name == 'map':
            for key, item in v.items():
                walk(s.value, item, f'{path}.{key}')

    walk(shape, raw, operation)


def error_of(call):
    """The ClientError of a call that must fail: (code, HTTP status, error dict, exception)."""
    try:
        call()
    except ClientError as error:
        info = error.response['Error']
        return info.get('Code'), error.response['ResponseMetadata']['HTTPStatusCode'], info, error
    raise AssertionError('the call succeeded; a refusal was expected')


def expect_error(call, code, status):
    got_code, got_status, info, error = error_of(call)
    assert (got_code, got_status) == (code, status), f'expected {code} {status}, got {got_code} {got_status}: {info.get("Message")}'
    return info, error


# ---- hand-signed requests -----------------------------------------------------------------------


def signed_request(ctx, service, method='POST', path='/', params=None, headers=None, body=b'', region=None,
                   keys=None, host=None, prepare=None):
    """Signs with botocore's SigV4Auth (no service-specific handling) and sends with urllib."""
    url = f'http://{host or f"127.0.0.1:{ctx.port}"}{path}'
    request = AWSRequest(method=method, url=url, params=params or {}, headers=headers or {}, data=body)
    k = keys or {'aws_access_key_id': ctx.service_keys['aws_access_key_id'],
                 'aws_secret_access_key': ctx.service_keys['aws_secret_access_key']}
    credentials = Credentials(k['aws_access_key_id'], k['aws_secret_access_key'], k.get('aws_session_token'))
    SigV4Auth(credentials, service, region or ctx.region).add_auth(request)
    prepared = request.prepare()
    out_headers = dict(prepared.headers.items())
    if prepare is not None:
        out_headers = prepare(out_headers)
    return send(prepared.method, prepared.url, out_headers, prepared.body, ctx.port)


def send(method, url, headers, body, port):
    """Sends to the emulator's port whatever the URL's host (the Host header keeps the name)."""
    target = url.split('//', 1)[1]
    host, _, rest = target.partition('/')
    real = f'http://127.0.0.1:{port}/{rest}'
    req = urllib.request.Request(real, data=body if body else None, method=method)
    for name, value in headers.items():
        req.add_header(name, value)
    req.add_header('Host', host)
    try:
        with urllib.request.urlopen(req) as response:
            return response.status, dict(response.headers.items()), response.read()
    except urllib.error.HTTPError as error:
        return error.code, dict(error.headers.items()), error.read()


# ---- the aws CLI --------------------------------------------------------------------------------


def aws_cli(ctx, args, keys=None, extra_env=None):
    """Runs the aws CLI with the CLI's environment block (and `keys` instead of the caller's).

    The CLI runs in this interpreter, through the entry point its `aws` script calls
    (`awscli.clidriver.create_clidriver().main`), with a driver of its own per command, the process
    environment replaced by the command's, the system resolver rather than the loopback one above, and
    its stdout and stderr captured: what a separate `aws` process does, without starting Python each time."""
    env = {k: v for k, v in os.environ.items() if not k.startswith('AWS_')}
    env.update({k: v for k, v in ctx.env.items() if k.startswith('AWS_')})
    env['AWS_MAX_ATTEMPTS'] = '1'
    env['AWS_CONFIG_FILE'] = os.path.join(ctx.data['workdir'], 'aws-config')
    env['AWS_SHARED_CREDENTIALS_FILE'] = os.path.join(ctx.data['workdir'], 'aws-credentials')
    if keys is not None:
        env['AWS_ACCESS_KEY_ID'] = keys['aws_access_key_id']
        env['AWS_SECRET_ACCESS_KEY'] = keys['aws_secret_access_key']
        if 'aws_session_token' in keys:
            env['AWS_SESSION_TOKEN'] = keys['aws_session_token']
    env.update(extra_env or {})
    # What the CLI's own import sets in a process of its own: where its command models are.
    env['AWS_DATA_PATH'] = _CLI_DATA_PATH
    saved = dict(os.environ)
    out, err = io.StringIO(), io.StringIO()
    os.environ.clear()
    os.environ.update(env)
    socket.getaddrinfo = _real_getaddrinfo
    try:
        with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
            code = create_clidriver().main(list(args))
    finally:
        socket.getaddrinfo = _loopback_getaddrinfo
        os.environ.clear()
        os.environ.update(saved)
    return code, out.getvalue(), err.getvalue()


def aws_json(ctx, args, keys=None):
    code, out, err = aws_cli(ctx, [*args, '--output', 'json'], keys)
    assert code == 0, f'aws {" ".join(args[:2])} exited {code}: {err.strip()[-400:]}'
    return json.loads(out) if out.strip() else {}


# ---- the registry -------------------------------------------------------------------------------

RESULTS = []


def check(name):
    """Registers a check; a check fails by raising (AssertionError with a message)."""

    def run(fn):
        def wrapped(ctx):
            try:
                detail = fn(ctx)
                RESULTS.append({'name': name, 'ok': True, 'detail': detail})
            except Exception as error:  # noqa: BLE001 - every failure is reported, none stops the run
                message = str(error) or type(error).__name__
                RESULTS.append({'name': name, 'ok': False, 'error': message, 'trace': traceback.format_exc()[-1500:]})
        wrapped.check_name = name
        return wrapped

    return run
