"""Matrix entries of the weekly digest archive: personal, like notices (platform admins see
everything; nobody else reads another person's digest, not even the centre's admins)."""

from __future__ import annotations

from portal.centres.models import Centre
from portal.digests.models import Digest
from tests.api.matrix import EVERYONE_SIGNED_IN, Entry, demo, expect

OWN_DIGEST = expect("200 404 404 404 404 200 401")
OTHERS_DIGEST = expect("200 404 404 404 404 404 401")


def parent1_digest(centre: Centre) -> Digest:
    """The demo data's latest digest of the centre's parent1 (see portal/digests/demo.py)."""
    return (
        Digest.objects.delivered()
        .filter(centre=centre, guardian=demo(centre, "parent1"))
        .order_by("-week_start")
        .first()
    )


DIGESTS: dict[str, Entry] = {
    "digests_list": Entry(own=EVERYONE_SIGNED_IN),
    "digests_retrieve": Entry(own=OWN_DIGEST, other=OTHERS_DIGEST, target=parent1_digest),
}
