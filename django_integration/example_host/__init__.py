"""An example host app for the identity image pipeline: users, identities, a JWT login.

Run it with `python django_integration/manage.py runserver` or
`DJANGO_SETTINGS_MODULE=example_host.settings python -m django runserver`.
"""
