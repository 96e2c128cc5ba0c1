"""The four secrets, in Secrets Manager; functions get their ARNs, never their values."""

from __future__ import annotations

from aws_cdk import Acknowledgment, RemovalPolicy, Validations
from aws_cdk import aws_secretsmanager as secretsmanager
from constructs import Construct

ROTATION_REASON = (
    "The value is issued outside AWS (Gemini key) or shared with the Django host "
    "(service token, webhook secret, JWT key); rotate it with put-secret-value on both "
    "sides. The JWT key and the service token are re-read through a 5-minute cache. The "
    "worker reads the Gemini key and the webhook secret once, when it builds its clients, "
    "so a new value reaches it when its containers are replaced (a deploy, or their idle "
    "hours)."
)


class PipelineSecrets(Construct):
    """Gemini API key, Django service token, webhook signing secret, JWT verification key.

    Each starts as a random placeholder (so nothing secret is ever in the template) and
    must be set after the first deploy; see docs/deploy.md.
    """

    def __init__(self, scope: Construct, construct_id: str, *, stage: str) -> None:
        super().__init__(scope, construct_id)
        self.gemini_api_key = self._secret("GeminiApiKey", stage, "Gemini API key")
        self.django_service_token = self._secret(
            "DjangoServiceToken", stage, "Token for the Django host's internal endpoints"
        )
        self.webhook_secret = self._secret(
            "WebhookSecret", stage, "Standard Webhooks secret (whsec_...) for the callback"
        )
        self.jwt_secret = self._secret(
            "JwtSecret", stage, "Key that verifies the admins' Django-issued JWTs (HS256)"
        )

    def _secret(self, construct_id: str, stage: str, description: str) -> secretsmanager.Secret:
        secret = secretsmanager.Secret(
            self,
            construct_id,
            description=f"identity-images {stage}: {description}",
            generate_secret_string=secretsmanager.SecretStringGenerator(
                exclude_punctuation=True, password_length=48
            ),
            removal_policy=RemovalPolicy.RETAIN,
        )
        Validations.of(secret).acknowledge(
            Acknowledgment(id="AwsSolutions-SMG4", reason=ROTATION_REASON)
        )
        return secret
