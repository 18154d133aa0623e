"""CreateTokenWithIAM (every grant), AssumeRole with ProvidedContexts and GetCallerIdentity, with boto3 and
the aws CLI, for each demo user."""

import json

from harness import aws_json, check, check_json_timestamps, check_output, expect_error, session_keys

JWT_BEARER = 'urn:ietf:params:oauth:grant-type:jwt-bearer'
TOKEN_EXCHANGE = 'urn:ietf:params:oauth:grant-type:token-exchange'
ACCESS_TOKEN_TYPE = 'urn:ietf:params:oauth:token-type:access_token'
PROVIDER = 'arn:aws:iam::aws:contextProvider/IdentityCenter'


def exchange(ctx, user, keys=None, client_id=None):
    """CreateTokenWithIAM jwt-bearer with a fresh JWT of `user`."""
    oidc = ctx.client('sso-oidc', keys)
    return oidc.create_token_with_iam(
        clientId=client_id or ctx.env['TIP_APPLICATION_ARN'], grantType=JWT_BEARER, assertion=ctx.token(user)
    )


def assume(ctx, user, context, keys=None, **extra):
    """AssumeRole of the access role with the identity context; returns the STS answer."""
    sts = ctx.client('sts', keys)
    return sts.assume_role(
        RoleArn=ctx.env['TIP_ACCESS_ROLE_ARN'],
        RoleSessionName=f'conformance-{user}',
        ProvidedContexts=[{'ProviderArn': PROVIDER, 'ContextAssertion': context}],
        **extra,
    )


def identity_session(ctx, user):
    """Identity-enhanced credentials of `user` (cached per run)."""
    cache = ctx.data.setdefault('_sessions', {})
    if user not in cache:
        tokens = exchange(ctx, user)
        cache[user] = session_keys(assume(ctx, user, tokens['awsAdditionalDetails']['identityContext'])['Credentials'])
    return cache[user]


def checks_for(user):
    @check(f'{user}: CreateTokenWithIAM jwt-bearer answers the model shape with an identity context')
    def jwt_bearer(ctx):
        out = exchange(ctx, user)
        check_output('sso-oidc', 'CreateTokenWithIAM', out)
        check_json_timestamps('sso-oidc', 'CreateTokenWithIAM', ctx.last_raw('CreateTokenWithIAM')[1])
        assert out['tokenType'] == 'Bearer' and out['expiresIn'] > 0
        assert out['awsAdditionalDetails']['identityContext'], 'no identity context'
        assert 'sts:identity_context' in out['scope']
        ctx.data.setdefault('_refresh', {})[user] = out['refreshToken']

    @check(f'{user}: CreateTokenWithIAM refresh_token answers a new identity context')
    def refresh(ctx):
        oidc = ctx.client('sso-oidc')
        out = oidc.create_token_with_iam(
            clientId=ctx.env['TIP_APPLICATION_ARN'], grantType='refresh_token', refreshToken=ctx.data['_refresh'][user]
        )
        check_output('sso-oidc', 'CreateTokenWithIAM', out)
        assert out['awsAdditionalDetails']['identityContext'], 'the refresh answer has no identity context'
        assert out['idToken'], 'the refresh answer has no ID token'

    @check(f'{user}: CreateTokenWithIAM token-exchange of another application\'s IdC token')
    def token_exchange(ctx):
        portal = exchange(ctx, user, client_id=ctx.data['portalArn'])
        oidc = ctx.client('sso-oidc')
        out = oidc.create_token_with_iam(
            clientId=ctx.env['TIP_APPLICATION_ARN'],
            grantType=TOKEN_EXCHANGE,
            subjectToken=portal['accessToken'],
            subjectTokenType=ACCESS_TOKEN_TYPE,
        )
        check_output('sso-oidc', 'CreateTokenWithIAM', out)
        assert out['issuedTokenType'] == ACCESS_TOKEN_TYPE
        assert out['awsAdditionalDetails']['identityContext']

    @check(f'{user}: CreateTokenWithIAM authorization_code refuses an unknown code (InvalidGrantException 400)')
    def authorization_code(ctx):
        oidc = ctx.client('sso-oidc')
        info, error = expect_error(
            lambda: oidc.create_token_with_iam(
                clientId=ctx.env['TIP_APPLICATION_ARN'],
                grantType='authorization_code',
                code='not-a-code',
                redirectUri='http://127.0.0.1:7890/callback',
                codeVerifier='v' * 43,
            ),
            'InvalidGrantException',
            400,
        )
        assert isinstance(error, oidc.exceptions.InvalidGrantException), type(error).__name__

    @check(f'{user}: AssumeRole with ProvidedContexts and GetCallerIdentity of the session')
    def assume_role(ctx):
        tokens = exchange(ctx, user)
        out = assume(ctx, user, tokens['awsAdditionalDetails']['identityContext'])
        check_output('sts', 'AssumeRole', out)
        me = ctx.client('sts', session_keys(out['Credentials'])).get_caller_identity()
        check_output('sts', 'GetCallerIdentity', me)
        assert me['Arn'].endswith(f':assumed-role/analytics-identity-bearer/conformance-{user}'), me['Arn']

    @check(f'{user}: the aws CLI exchanges the JWT and assumes the role with the context')
    def cli_flow(ctx):
        out = aws_json(
            ctx,
            ['sso-oidc', 'create-token-with-iam', '--client-id', ctx.env['TIP_APPLICATION_ARN'],
             '--grant-type', JWT_BEARER, '--assertion', ctx.token(user)],
        )
        context = out['awsAdditionalDetails']['identityContext']
        contexts = json.dumps([{'ProviderArn': PROVIDER, 'ContextAssertion': context}])
        session = aws_json(
            ctx,
            ['sts', 'assume-role', '--role-arn', ctx.env['TIP_ACCESS_ROLE_ARN'], '--role-session-name',
             f'cli-{user}', '--provided-contexts', contexts],
        )
        me = aws_json(ctx, ['sts', 'get-caller-identity'], session_keys(session['Credentials']))
        assert me['Arn'].endswith(f'/cli-{user}'), me['Arn']

    return [jwt_bearer, refresh, token_exchange, authorization_code, assume_role, cli_flow]


@check('the aws CLI works from the environment block alone (AWS_ENDPOINT_URL, AWS_DEFAULT_REGION)')
def cli_env_block(ctx):
    me = aws_json(ctx, ['sts', 'get-caller-identity'])
    assert me['Account'] == '123456789012', me


@check('the service policy of docs/aws-setup.md (resource-scoped) is enough for the exchange and AssumeRole')
def docs_policy(ctx):
    keys = {'aws_access_key_id': ctx.data['docsKey']['accessKeyId'],
            'aws_secret_access_key': ctx.data['docsKey']['secretAccessKey']}
    tokens = exchange(ctx, 'alice', keys)
    out = assume(ctx, 'alice', tokens['awsAdditionalDetails']['identityContext'], keys)
    assert out['Credentials']['AccessKeyId'].startswith('ASIA')


CHECKS = [cli_env_block, docs_policy, *checks_for('alice'), *checks_for('bob')]
