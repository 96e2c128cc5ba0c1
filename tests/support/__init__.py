"""Plain helpers the test packages share: the fake host and callback (`fakes`), Lambda
events and their delivery to handlers (`lambdas`), and looks at the moto world
(`aws_state`). Fixtures are not here: the shared ones are in `tests/conftest.py`."""
