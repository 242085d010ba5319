"""Demo data: two centres with staff, students, guardians and classes (`manage.py seed_demo`).

Black-box checks rely on these exact names, so change them only together with the README.
Running it again changes nothing.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.contrib.auth.hashers import make_password
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction

from portal.accounts.models import User
from portal.centres import services as centre_services
from portal.centres.models import Centre, Guardianship, Membership, Role
from portal.classes import services as class_services
from portal.classes.models import Enrollment, SchoolClass
from portal.digests.demo import seed_digests
from portal.homework.demo import seed_teaching
from portal.notifications.services import notifications_suppressed
from portal.people.services import invitation_offer
from portal.reports.demo import seed_reports
from portal.rosters import services as roster_services
from portal.rosters.exports import roster_export
from portal.rosters.models import RosterImport
from portal.submissions.demo import seed_submissions
from portal.whiteboard.demo import seed_whiteboards

DEMO_PASSWORD = "portal-demo"
PLATFORM_ADMIN_EMAIL = "admin@example.com"
STUDENTS_PER_CENTRE = 20
GUARDIANS_PER_CENTRE = 15


@dataclass(frozen=True)
class DemoClass:
    code: str
    name: str
    subject: str
    year_group: str
    teachers: tuple[int, ...]  # teacherN numbers
    students: range  # studentN numbers


@dataclass(frozen=True)
class DemoCentre:
    slug: str
    name: str
    timezone: str
    classes: tuple[DemoClass, ...]
    reminder_days: tuple[int, ...] = (1,)


DEMO_CENTRES = (
    DemoCentre(
        slug="riverside",
        name="Riverside Academy",
        timezone="Europe/London",
        classes=(
            DemoClass("7M1", "Year 7 Maths", "Mathematics", "Year 7", (1,), range(1, 21)),
            DemoClass("7E1", "Year 7 English", "English", "Year 7", (2,), range(1, 21)),
            DemoClass("7S1", "Year 7 Science", "Science", "Year 7", (1, 2), range(1, 11)),
        ),
        reminder_days=(1, 3),
    ),
    DemoCentre(
        slug="hillcrest",
        name="Hillcrest Tutoring Center",
        timezone="America/New_York",
        classes=(
            DemoClass("G4-MATH", "Grade 4 Math", "Mathematics", "Grade 4", (1,), range(1, 21)),
            DemoClass("G4-READ", "Grade 4 Reading", "English", "Grade 4", (2,), range(1, 21)),
            DemoClass("G5-SCI", "Grade 5 Science", "Science", "Grade 5", (1, 2), range(11, 21)),
        ),
    ),
)


def children_of_guardian(number: int) -> list[int]:
    """parentN looks after studentN; parents 1-5 also after student 15+N (two children)."""
    children = [number]
    if number + GUARDIANS_PER_CENTRE <= STUDENTS_PER_CENTRE:
        children.append(number + GUARDIANS_PER_CENTRE)
    return children


class DemoSeeder:
    def __init__(self) -> None:
        # One hash for every demo account: hashing ~80 passwords one by one takes a minute.
        self.password_hash = make_password(DEMO_PASSWORD)

    def user(self, email: str, first_name: str, last_name: str, **extra) -> User:
        user, created = User.objects.get_or_create(
            email=email,
            defaults={"first_name": first_name, "last_name": last_name, **extra},
        )
        if created:
            user.password = self.password_hash
            user.save(update_fields=["password"])
        return user

    def member(self, centre: Centre, role: str, email: str, first: str, last: str) -> User:
        user = self.user(email, first, last, created_by_centre=centre)
        centre_services.membership_add(centre=centre, role=role, email=email)
        return user

    def invitation(self, centre: Centre, email: str, *, child: str) -> None:
        """Someone known at the other centre, invited here as a parent: it waits for them."""
        if Membership.objects.filter(centre=centre, user__email=email).exists():
            return  # accepted already
        with notifications_suppressed():
            invitation_offer(
                centre=centre,
                user=User.objects.get(email=email),
                email=email,
                role=Role.GUARDIAN,
                children=[(User.objects.get(email=child).pk, Guardianship.Relationship.PARENT)],
            )

    def centre(self, spec: DemoCentre) -> Centre:
        centre = Centre.objects.filter(slug=spec.slug).first() or centre_services.centre_create(
            name=spec.name,
            slug=spec.slug,
            timezone=spec.timezone,
            contact_email=f"office@{spec.slug}.example",
            reminder_days_before=list(spec.reminder_days),
        )
        domain = f"{spec.slug}.example"
        self.member(centre, Role.ADMIN, f"admin@{domain}", "Centre", f"Admin ({spec.slug})")
        teachers = {
            n: self.member(centre, Role.TEACHER, f"teacher{n}@{domain}", "Teacher", f"{n}")
            for n in (1, 2)
        }
        students = {
            n: self.member(centre, Role.STUDENT, f"student{n}@{domain}", "Student", f"{n}")
            for n in range(1, STUDENTS_PER_CENTRE + 1)
        }
        for n in range(1, GUARDIANS_PER_CENTRE + 1):
            guardian = self.member(centre, Role.GUARDIAN, f"parent{n}@{domain}", "Parent", f"{n}")
            for child in children_of_guardian(n):
                if not Guardianship.objects.filter(
                    centre=centre, guardian=guardian, student=students[child]
                ).exists():
                    centre_services.guardianship_link(
                        centre=centre, guardian=guardian, student=students[child]
                    )
        for spec_class in spec.classes:
            school_class = SchoolClass.objects.filter(centre=centre, code=spec_class.code).first()
            if school_class is None:
                school_class = class_services.school_class_save(
                    school_class=SchoolClass(
                        centre=centre,
                        code=spec_class.code,
                        name=spec_class.name,
                        subject=spec_class.subject,
                        year_group=spec_class.year_group,
                    ),
                    teachers=[teachers[n] for n in spec_class.teachers],
                )
            for n in spec_class.students:
                if not Enrollment.objects.filter(
                    school_class=school_class, student=students[n]
                ).exists():
                    class_services.enrollment_add(school_class=school_class, student=students[n])
        self.roster_import(centre)
        seed_teaching(centre)
        seed_submissions(centre)
        seed_whiteboards(centre)
        seed_reports(centre)
        seed_digests(centre)
        return centre

    def roster_import(self, centre: Centre) -> None:
        """One completed import per centre: its own class list, exported and imported back."""
        if RosterImport.objects.filter(centre=centre).exists():
            return
        class_list = roster_export(centre=centre, kind=RosterImport.Kind.CLASSES).export("csv")
        checked = roster_services.roster_import_upload(
            centre=centre,
            kind=RosterImport.Kind.CLASSES,
            upload=SimpleUploadedFile("classes.csv", class_list.encode(), "text/csv"),
            by=None,
        )
        roster_services.roster_import_confirm(roster_import=checked, by=None)

    @transaction.atomic
    def run(self) -> list[Centre]:
        self.user(PLATFORM_ADMIN_EMAIL, "Platform", "Admin", is_staff=True, is_superuser=True)
        riverside, hillcrest = centres = [self.centre(spec) for spec in DEMO_CENTRES]
        self.invitation(
            riverside, "teacher2@hillcrest.example", child="student20@riverside.example"
        )
        self.invitation(hillcrest, "parent1@riverside.example", child="student20@hillcrest.example")
        return centres


def seed_demo() -> list[Centre]:
    return DemoSeeder().run()
