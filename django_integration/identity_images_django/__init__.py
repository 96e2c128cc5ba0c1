"""The host app's side of the identity image pipeline, as a reusable Django app.

Add `"identity_images_django"` to `INSTALLED_APPS`, mount
`path("internal/identity-images/", include("identity_images_django.urls"))`, configure
the `IDENTITY_IMAGES` setting (see `identity_images_django.conf`) and run `migrate`.
"""
