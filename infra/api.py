"""The public REST API: every method behind the admin authorizer, CORS everywhere.

Routes live in the api function (Powertools event handler); API Gateway forwards all of
`/v1/*` to it, so a new route needs no infrastructure change. Only the CORS preflight
(`OPTIONS`) is unauthenticated, as browsers send it without credentials.
"""

from __future__ import annotations

import json

from aws_cdk import Acknowledgment, Duration, RemovalPolicy, Validations
from aws_cdk import aws_apigateway as apigw
from aws_cdk import aws_logs as logs
from aws_cdk import aws_sqs as sqs
from constructs import Construct

from infra import access
from infra import resource_spec as spec
from infra.config import InfraConfig
from infra.functions import PipelineFunction
from infra.parts import PipelineParts
from infra.storage import JOBS_BY_IDENTITY_INDEX

ALLOWED_HEADERS = list(spec.CORS_API_HEADERS)
ALLOWED_METHODS = list(spec.CORS_API_METHODS)
AUTHORIZER_CACHE = Duration.seconds(spec.AUTHORIZER_CACHE_S)

# API Gateway's own answers, in the pipeline's one error shape. Codes are ErrorCode values.
GATEWAY_ERRORS: dict[apigw.ResponseType, tuple[str | None, str]] = {
    apigw.ResponseType.of(name): (None if status is None else str(status), code)
    for name, (status, code) in spec.GATEWAY_RESPONSES.items()
}


def error_template(code: str) -> str:
    body = {"error": {"code": code, "message": "__MESSAGE__", "details": {}}}
    return json.dumps(body).replace('"__MESSAGE__"', "$context.error.messageString")


class PublicApi(Construct):
    """REST API + admin authorizer + api function, with access logs and throttling."""

    def __init__(
        self,
        scope: Construct,
        construct_id: str,
        *,
        parts: PipelineParts,
        jobs_queue: sqs.IQueue,
    ) -> None:
        super().__init__(scope, construct_id)
        config = parts.config
        self.authorizer_function = self._authorizer_function(parts)
        self.api_function = self._api_function(parts, jobs_queue)
        self.authorizer = apigw.RequestAuthorizer(
            self,
            "AdminAuthorizer",
            handler=self.authorizer_function.entry_point(config.api_provisioned_concurrency),
            identity_sources=[apigw.IdentitySource.header("Authorization")],
            # Safe: an Allow covers every route of the stage, a Deny is only for non-admins.
            results_cache_ttl=AUTHORIZER_CACHE,
        )
        self.access_logs = logs.LogGroup(
            self,
            "AccessLogs",
            retention=logs.RetentionDays.THREE_MONTHS,
            removal_policy=RemovalPolicy.DESTROY,
        )
        self.rest_api = apigw.RestApi(
            self,
            "RestApi",
            rest_api_name=f"identity-images-{config.stage}",
            description="Identity images: uploads, generations, users, identities",
            endpoint_types=[apigw.EndpointType.REGIONAL],
            cloud_watch_role=True,
            cloud_watch_role_removal_policy=RemovalPolicy.RETAIN,
            deploy_options=apigw.StageOptions(
                stage_name=config.stage,
                access_log_destination=apigw.LogGroupLogDestination(self.access_logs),
                access_log_format=apigw.AccessLogFormat.json_with_standard_fields(
                    caller=False,
                    http_method=True,
                    ip=True,
                    protocol=True,
                    request_time=True,
                    resource_path=True,
                    response_length=True,
                    status=True,
                    user=True,
                ),
                throttling_rate_limit=config.api_rate_limit,
                throttling_burst_limit=config.api_burst_limit,
                logging_level=apigw.MethodLoggingLevel.ERROR,
                metrics_enabled=True,
                tracing_enabled=True,
            ),
            default_cors_preflight_options=apigw.CorsOptions(
                allow_origins=list(config.allowed_origins),
                allow_headers=ALLOWED_HEADERS,
                allow_methods=ALLOWED_METHODS,
                max_age=Duration.seconds(spec.CORS_API_MAX_AGE_S),
            ),
            default_method_options=apigw.MethodOptions(
                authorizer=self.authorizer,
                authorization_type=apigw.AuthorizationType.CUSTOM,
            ),
        )
        proxy = self.rest_api.root.add_resource("v1").add_resource("{proxy+}")
        api_entry = self.api_function.entry_point(config.api_provisioned_concurrency)
        proxy.add_method("ANY", apigw.LambdaIntegration(api_entry))
        self._add_gateway_responses(config)
        self._acknowledge()

    @property
    def url(self) -> str:
        return self.rest_api.url

    def _authorizer_function(self, parts: PipelineParts) -> PipelineFunction:
        config = parts.config
        env = {
            "AUTH_MODE": config.auth_mode,
            "JWT_ALGORITHMS": config.jwt_algorithms,
            # Introspection must give up before the function does, so an outage is a
            # clean 500 from the authorizer, not a Lambda timeout.
            **spec.AUTHORIZER.environment,
        }
        optional = {
            "JWT_ISSUER": config.jwt_issuer,
            "JWT_AUDIENCE": config.jwt_audience,
            "JWKS_URL": config.jwks_url,
            "DJANGO_INTROSPECT_URL": config.django_introspect_url,
        }
        env.update({name: value for name, value in optional.items() if value})
        return parts.function(
            self,
            "Authorizer",
            sizing=spec.AUTHORIZER,
            handler="authorizer.handler",
            description="Lets admins in (Django-issued JWT or introspection)",
            environment=env,
            secrets={"JWT_SECRET_ARN": parts.secrets.jwt_secret},
            snap_start=config.click_snap_start,
        )

    def _api_function(self, parts: PipelineParts, jobs_queue: sqs.IQueue) -> PipelineFunction:
        tables = parts.tables
        # API Gateway gives up at 29 s; the function never calls Gemini, and its Django
        # reads give up inside its timeout (resource_spec.API).
        function = parts.function(
            self,
            "Handler",
            sizing=spec.API,
            handler="api.handler",
            description="Public routes: uploads, generations, users, identities",
            environment={
                **parts.common_env,
                **spec.API.environment,
                "JOBS_QUEUE_URL": jobs_queue.queue_url,
                "IDEMPOTENCY_TABLE_NAME": tables.idempotency.table_name,
                "ALLOWED_ORIGINS": ",".join(parts.config.allowed_origins),
            },
            secrets={"DJANGO_SERVICE_TOKEN_SECRET_ARN": parts.secrets.django_service_token},
            snap_start=parts.config.click_snap_start,
        )
        bucket, layout = parts.images.bucket, parts.images.layout
        function.allow(
            access.table_read_write(tables.jobs, access.JOBS_FOR_THE_API),
            access.index_query(tables.jobs, [JOBS_BY_IDENTITY_INDEX]),
            access.table_read_write(tables.idempotency, access.IDEMPOTENCY_RECORDS),
            # HEAD of a missing upload, reference or kept (prepared) photo answers 404, not
            # 403: a create or re-run HEADs kept photos under `prepared/`. Outputs and
            # previews are only signed for download (never read by the API), so
            # `generated/` needs no listing.
            access.list_prefixes(bucket, [layout.uploads, layout.references, layout.prepared]),
        )
        function.allow_objects(
            bucket,
            ["s3:PutObject"],
            [layout.uploads, layout.references],
            "Signs presigned POSTs for the browser's uploads.",
        )
        function.allow_objects(
            bucket,
            ["s3:GetObject"],
            [layout.uploads, layout.references, layout.generated, layout.prepared],
            "Checks uploads (HEAD) and signs short-lived URLs: outputs, previews, downloads, "
            "kept references, identities' images.",
        )
        function.allow_objects(
            bucket,
            ["s3:DeleteObject"],
            [layout.references],
            "Removes a reference photo an admin deletes.",
        )
        jobs_queue.grant_send_messages(function.role)
        return function

    def _add_gateway_responses(self, config: InfraConfig) -> None:
        """CORS headers on API Gateway's own errors too, or the browser hides them."""
        origins = config.allowed_origins
        # One origin: name it. Several: echo the caller's (these bodies hold no data).
        allow_origin = f"'{origins[0]}'" if len(origins) == 1 else "method.request.header.Origin"
        headers = {
            "Access-Control-Allow-Origin": allow_origin,
            "Access-Control-Allow-Headers": f"'{','.join(ALLOWED_HEADERS)}'",
            "Vary": "'Origin'",
        }
        for response_type, (status, code) in GATEWAY_ERRORS.items():
            self.rest_api.add_gateway_response(
                f"Gateway{code.title().replace('_', '')}",
                type=response_type,
                status_code=status,
                response_headers=headers,
                templates={"application/json": error_template(code)},
            )

    def _acknowledge(self) -> None:
        Validations.of(self.rest_api).acknowledge(
            Acknowledgment(
                id="AwsSolutions-APIG4",
                reason="Only the CORS preflight (OPTIONS) is unauthenticated, as browsers "
                "send it without credentials; every other method uses the admin authorizer.",
            ),
            Acknowledgment(
                id="AwsSolutions-COG4",
                reason="Admins are Django users: a Lambda REQUEST authorizer verifies the "
                "Django-issued token instead of a Cognito user pool.",
            ),
            Acknowledgment(
                id="AwsSolutions-APIG2",
                reason="Requests are validated by the api function's pydantic models, which "
                "answer 400 in the one error shape; a gateway model would duplicate them.",
            ),
            Acknowledgment(
                id="AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/"
                "service-role/AmazonAPIGatewayPushToCloudWatchLogs]",
                reason="API Gateway's account-level logging role (execution logs, APIG6) "
                "needs exactly this AWS policy; it is not used by any function.",
            ),
            Acknowledgment(
                id="AwsSolutions-APIG3",
                reason="No WAF by default (a fixed monthly cost): only authenticated admins "
                "reach the function and the stage is throttled. Attach a web ACL if needed.",
            ),
        )
