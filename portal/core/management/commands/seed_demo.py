from django.core.management.base import BaseCommand

from portal.core.demo import DEMO_PASSWORD, PLATFORM_ADMIN_EMAIL, seed_demo


class Command(BaseCommand):
    help = "Create the demo centres, people and classes (safe to run again)."

    def handle(self, *args, **options):
        centres = seed_demo()
        self.stdout.write(self.style.SUCCESS("Demo data ready."))
        self.stdout.write(f"  platform admin: {PLATFORM_ADMIN_EMAIL}")
        for centre in centres:
            slug = centre.slug
            self.stdout.write(
                f"  {centre.name}: admin@{slug}.example, teacher1@{slug}.example, "
                f"student1@{slug}.example, parent1@{slug}.example"
            )
        self.stdout.write(f"  password for every demo login: {DEMO_PASSWORD}")
