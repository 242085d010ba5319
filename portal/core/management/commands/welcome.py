"""Prints where the embedded portal is and how to sign in, once it answers."""

import time
import urllib.request

from django.core.management.base import BaseCommand

from portal.core.demo import DEMO_PASSWORD, PLATFORM_ADMIN_EMAIL


class Command(BaseCommand):
    help = "Print the portal's address and demo logins (with --wait, once /healthz answers)."

    def add_arguments(self, parser):
        parser.add_argument("--port", type=int, default=8000)
        parser.add_argument("--wait", action="store_true", help="wait until the portal is up")

    def handle(self, *args, port, wait, **options):
        url = f"http://127.0.0.1:{port}/"
        if wait:
            self.wait_for(f"{url}healthz")
        self.stdout.write(
            "\n".join(
                [
                    "",
                    self.style.SUCCESS(f"  School Portal is running at  {url}"),
                    f"  Wagtail admin:                {url}admin/",
                    f"  Demo logins (password {DEMO_PASSWORD} for all):",
                    f"    platform admin  {PLATFORM_ADMIN_EMAIL}",
                    "    centre admins   admin@riverside.example, admin@hillcrest.example",
                    "    teachers        teacher1@riverside.example … teacher2@hillcrest.example",
                    "    students        student1@riverside.example … student20@hillcrest.example",
                    "    parents         parent1@riverside.example … parent15@hillcrest.example",
                    f"  E-mail the portal sends:      {url}dev/mailbox/ (platform admin; files in "
                    "var/mail/)",
                    "  Stop with Ctrl-C.",
                    "",
                ]
            )
        )

    def wait_for(self, url: str, timeout: float = 120) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            try:
                with urllib.request.urlopen(url, timeout=2):
                    return
            except OSError:
                time.sleep(0.5)
