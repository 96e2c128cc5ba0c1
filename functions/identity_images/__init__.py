"""Identity image pipeline: the code that runs in the Lambda functions."""
