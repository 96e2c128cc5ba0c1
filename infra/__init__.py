"""The CDK app that deploys the identity image pipeline (`cdk.json` runs `infra.app`)."""
