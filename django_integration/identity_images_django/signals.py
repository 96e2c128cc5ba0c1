from __future__ import annotations

from django.dispatch import Signal

#: Sent after the callback set an identity's image.
#: Arguments: `sender` (the identity model), `identity`, `image_path` (the pipeline's key),
#: `image_name` (the name now in the image field), `generation_id`.
identity_image_assigned = Signal()
