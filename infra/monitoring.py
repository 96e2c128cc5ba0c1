"""Alarms: anything in a dead-letter queue, function errors and throttles, API 5xx,
jobs waiting too long, jobs the worker gave up on, a reaper that stopped running. They
notify one encrypted SNS topic (optionally an email)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from aws_cdk import Duration
from aws_cdk import aws_apigateway as apigw
from aws_cdk import aws_cloudwatch as cloudwatch
from aws_cdk import aws_cloudwatch_actions as actions
from aws_cdk import aws_iam as iam
from aws_cdk import aws_kms as kms
from aws_cdk import aws_sns as sns
from aws_cdk import aws_sns_subscriptions as subscriptions
from aws_cdk import aws_sqs as sqs
from constructs import Construct

from infra.functions import METRICS_NAMESPACE, SERVICE_NAME, PipelineFunction
from infra.reaper import JobReaper

OLDEST_JOB_ALARM = Duration.minutes(30)


class Monitoring(Construct):
    """One alarm per failure mode, each publishing to `topic`."""

    def __init__(
        self,
        scope: Construct,
        construct_id: str,
        *,
        functions: Sequence[PipelineFunction],
        dead_letter_queues: Mapping[str, sqs.IQueue],
        jobs_queue: sqs.IQueue,
        reaper: JobReaper,
        rest_api: apigw.RestApi,
        alarm_email: str | None,
    ) -> None:
        super().__init__(scope, construct_id)
        key = kms.Key(
            self,
            "TopicKey",
            description="identity-images alarm topic",
            enable_key_rotation=True,
        )
        # CloudWatch must be able to publish to the encrypted topic.
        key.add_to_resource_policy(
            iam.PolicyStatement(
                principals=[iam.ServicePrincipal("cloudwatch.amazonaws.com")],
                actions=["kms:Decrypt", "kms:GenerateDataKey*"],
                resources=["*"],
            )
        )
        self.topic = sns.Topic(self, "Alarms", master_key=key, enforce_ssl=True)
        if alarm_email:
            self.topic.add_subscription(subscriptions.EmailSubscription(alarm_email))
        self.alarms: list[cloudwatch.Alarm] = []
        for name, queue in dead_letter_queues.items():
            self._alarm(
                f"{name}DeadLetters",
                queue.metric_approximate_number_of_messages_visible(
                    period=Duration.minutes(1), statistic="Maximum"
                ),
                "A message gave up and sits in the dead-letter queue",
            )
        for function in functions:
            name = function.node.id
            self._alarm(
                f"{name}Errors",
                function.function.metric_errors(period=Duration.minutes(5)),
                f"The {name} function failed",
            )
            self._alarm(
                f"{name}Throttles",
                function.function.metric_throttles(period=Duration.minutes(5)),
                f"The {name} function was throttled",
            )
        self._alarm(
            "Api5xx",
            rest_api.metric_server_error(period=Duration.minutes(5)),
            "The API answered 5xx",
        )
        self._alarm(
            "JobsWaiting",
            jobs_queue.metric_approximate_age_of_oldest_message(
                period=Duration.minutes(5), statistic="Maximum"
            ),
            "Jobs wait in the queue for too long",
            threshold=OLDEST_JOB_ALARM.to_seconds(),
        )
        # What the reaper or the worker ended `worker_gave_up` (dead letters, lost messages,
        # tries that never ended).
        self._alarm(
            "JobsGaveUp",
            cloudwatch.Metric(
                namespace=METRICS_NAMESPACE,
                metric_name="JobsGaveUp",
                dimensions_map={"service": SERVICE_NAME},
                period=Duration.minutes(5),
                statistic="Sum",
            ),
            "The worker gave up on a job: it ended failed, worker_gave_up",
        )
        # The safety net itself: no run in three intervals (missing data is breaching).
        silent_period = Duration.minutes(min(reaper.interval.to_minutes() * 3, 24 * 60))
        self._alarm(
            "ReaperNotRunning",
            reaper.function.function.metric_invocations(period=silent_period, statistic="Sum"),
            "The reaper has not run for three of its intervals",
            threshold=1,
            comparison=cloudwatch.ComparisonOperator.LESS_THAN_THRESHOLD,
            missing=cloudwatch.TreatMissingData.BREACHING,
        )

    def _alarm(
        self,
        construct_id: str,
        metric: cloudwatch.IMetric,
        description: str,
        threshold: float = 1,
        *,
        comparison: cloudwatch.ComparisonOperator = (
            cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD
        ),
        missing: cloudwatch.TreatMissingData = cloudwatch.TreatMissingData.NOT_BREACHING,
    ) -> None:
        alarm = cloudwatch.Alarm(
            self,
            construct_id,
            metric=metric,
            threshold=threshold,
            evaluation_periods=1,
            comparison_operator=comparison,
            treat_missing_data=missing,
            alarm_description=description,
        )
        alarm.add_alarm_action(actions.SnsAction(self.topic))
        alarm.add_ok_action(actions.SnsAction(self.topic))
        self.alarms.append(alarm)
