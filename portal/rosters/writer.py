"""Writes roster records to the database in bulk: a few queries per chunk of rows, none per row.

The writer runs inside one transaction (see services): it writes as it goes so later rows see
earlier ones (a guardian created on row 2 is the same guardian on row 9000), and the service
rolls everything back when the report has any error, or always for a dry run. Nothing per row
stays in memory once its chunk is written: whole-file checks (each id once, a guardian the same on
every row, ids that lost their zeros) ask the file index (seen.py) instead, so memory depends on
the chunk size, not on the length of the file.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from itertools import islice

from django.contrib.auth.hashers import make_password
from django.db.models import Q
from django.utils import timezone

from portal.accounts.models import User
from portal.centres.identity import accounts_owned_by, identities_update, is_platform_account
from portal.centres.models import Centre, Guardianship, Membership, Role
from portal.classes.models import SchoolClass
from portal.people.models import Invitation
from portal.people.services import invitation_offer
from portal.rosters.links import EnrollmentLinks, TeachingLinks
from portal.rosters.models import StudentYearGroup
from portal.rosters.records import Checked, ClassRecord, GuardianRecord, PersonRecord, Source
from portal.rosters.report import MAX_LISTED_CHANGES, Report
from portal.rosters.seen import FileIndex, Sighting

CHUNK_ROWS = 2000
ENTITY = {Role.STUDENT: "students", Role.TEACHER: "teachers", Role.GUARDIAN: "guardians"}
ID_COLUMN = {Role.STUDENT: "student_id", Role.TEACHER: "teacher_id", Role.GUARDIAN: "id"}
GUARDIAN_DETAILS = ("first_name", "last_name", "phone", "email")


def chunks(items: Iterable, size: int = CHUNK_ROWS) -> Iterator[list]:
    iterator = iter(items)
    while chunk := list(islice(iterator, size)):
        yield chunk


@dataclass
class Person:
    """A record matched to (or made into) an account and a membership, or, for an account the
    centre may not attach (`invited`), to an invitation collecting the places it brings."""

    record: PersonRecord | GuardianRecord
    user: User
    membership: Membership | None
    is_new: bool
    fields: list[tuple[str, str, str]] = field(default_factory=list)
    invited: bool = False
    classes: set[int] = field(default_factory=set)
    children: dict[int, str] = field(default_factory=dict)
    guardians: dict[int, str] = field(default_factory=dict)


class RosterWriter:
    def __init__(
        self,
        *,
        centre: Centre,
        mirror: bool,
        create_missing_classes: bool,
        report: Report,
        on_rows: Callable[[int], None] = lambda rows: None,
    ) -> None:
        self.centre = centre
        self.mirror = mirror
        self.create_missing_classes = create_missing_classes
        self.report = report
        self.on_rows = on_rows
        self.today = timezone.localdate(timezone=centre.zone)  # the centre's own today
        self.password = make_password(None)  # unusable: people set their own by e-mail
        classes = list(SchoolClass.objects.filter(centre=centre))
        self.classes = {c.code.upper(): c for c in classes}
        self.classes_by_id = {c.external_id: c for c in classes if c.external_id}
        self.code_of = {c.pk: c.code for c in classes}
        self.index = FileIndex()
        self.listed: set[str] = set()  # the kinds of record the file has any of

    def __enter__(self) -> RosterWriter:
        return self

    def __exit__(self, exc_type, exc, traceback) -> None:
        if exc_type is None:  # after an error the transaction is rolled back, index and all
            self.index.drop()

    # -- classes -----------------------------------------------------------------------------

    def write_classes(self, items: Iterable[Checked]) -> None:
        for chunk in chunks(items):
            new, changed = [], []
            records: list[ClassRecord] = self._firsts(
                "classes",
                list(self._valid(chunk)),
                lambda r: (("class_id", r.external_id or ""), ("class_code", r.code)),
            )
            for record in records:
                school_class = record.external_id and self.classes_by_id.get(record.external_id)
                school_class = school_class or self.classes.get(record.code)
                if school_class is None:
                    school_class = SchoolClass(
                        centre=self.centre,
                        code=record.code,
                        name=record.name,
                        subject=record.subject or "",
                        year_group=record.year_group or "",
                        external_id=record.external_id or "",
                    )
                    new.append(school_class)
                    self.report.change(
                        source=record.source, entity="classes", action="new", label=record.code
                    )
                elif fields := self._class_changes(school_class, record):
                    changed.append(school_class)
                    self.report.change(
                        source=record.source,
                        entity="classes",
                        action="updated",
                        label=record.code,
                        fields=fields,
                    )
                else:
                    self.report.change(
                        source=record.source, entity="classes", action="unchanged", label=""
                    )
            SchoolClass.objects.bulk_create(new)
            SchoolClass.objects.bulk_update(
                changed, ["code", "name", "subject", "year_group", "external_id"]
            )
            self._remember_classes(new + changed)
            self.on_rows(len(chunk))

    def _class_changes(self, school_class: SchoolClass, record: ClassRecord) -> list:
        wanted = {"code": record.code, "name": record.name}
        for name in ("subject", "year_group", "external_id"):
            if getattr(record, name):
                wanted[name] = getattr(record, name)
        taken = self.classes.get(record.code)
        if taken is not None and taken.pk != school_class.pk:
            self.report.error(
                record.source.error("class_code", "Another class already has this code.")
            )
            return []
        fields = []
        for name, value in wanted.items():
            if getattr(school_class, name) != value:
                fields.append((name, getattr(school_class, name), value))
                setattr(school_class, name, value)
        return fields

    def _remember_classes(self, classes: list[SchoolClass]) -> None:
        for school_class in classes:
            self.classes[school_class.code.upper()] = school_class
            self.code_of[school_class.pk] = school_class.code
            if school_class.external_id:
                self.classes_by_id[school_class.external_id] = school_class

    def _resolve_codes(self, records: list[PersonRecord]) -> list[PersonRecord]:
        """Records whose class codes all exist here (created first if the admin asked)."""
        missing: dict[str, PersonRecord] = {}
        for record in records:
            for code in record.class_codes or ():
                if code not in self.classes:
                    missing.setdefault(code, record)
        if missing and self.create_missing_classes:
            created = [
                SchoolClass(
                    centre=self.centre, code=code, name=code, year_group=record.year_group or ""
                )
                for code, record in missing.items()
            ]
            SchoolClass.objects.bulk_create(created)
            self._remember_classes(created)
            for school_class in created:
                self.report.change(
                    source=None, entity="classes", action="new", label=school_class.code
                )
            return records
        valid = []
        for record in records:
            unknown = [code for code in record.class_codes or () if code not in self.classes]
            for code in unknown:
                self.report.error(
                    record.source.error(
                        "classes",
                        f"{self.centre} has no class with this code. Check the code, or tick "
                        "“create missing classes”.",
                        code,
                    )
                )
            if not unknown:
                valid.append(record)
        return valid

    # -- people ------------------------------------------------------------------------------

    def write_people(self, role: str, items: Iterable[Checked]) -> None:
        padded = self._zero_padded_ids(role)
        for chunk in chunks(items):
            records = self._firsts(
                role,
                list(self._valid(chunk)),
                lambda r: ((ID_COLUMN[role], r.external_id), ("email", r.email)),
            )
            records = [r for r in records if not self._lost_zeros(r, padded, role)]
            records = self._resolve_codes(records)
            everyone = self._match(role, records, id_column=ID_COLUMN[role])
            people = [person for person in everyone if not person.invited]
            if self.mirror:
                self.index.add([(f"{role}:user", str(p.user.pk), 0, "", {}) for p in people])
            if role == Role.STUDENT:
                self._write_year_groups(people)
                self._write_guardians(everyone)
            self._write_class_links(role, people)
            self._note_invited_places(everyone)
            if role == Role.TEACHER:
                self._join_staff_group(people)
            self._offer_invitations(role, everyone)
            for person in everyone:
                action = self._outcome(person)
                self.report.change(
                    source=person.record.source,
                    entity=ENTITY[role],
                    action=action,
                    label=person.record.label,
                    fields=person.fields,
                )
            self.on_rows(len(chunk))
        self._check_padding(role)
        # A bundle without any teachers says nothing about them: mirror only what a file lists.
        if self.mirror and role in self.listed:
            self._deactivate_missing(role)

    @staticmethod
    def _outcome(person: Person) -> str:
        if person.invited:
            return "invited" if person.is_new else "unchanged"
        return "new" if person.is_new else "updated" if person.fields else "unchanged"

    def _valid(self, chunk: list[Checked]) -> Iterator:
        for item in chunk:
            self.report.rows += 1
            for error in item.errors:
                self.report.error(error)
            if item.record is not None:
                yield item.record

    def _firsts(self, kind: str, records: list, identity: Callable) -> list:
        """The records whose id and key (`identity`: two (column, value) pairs) no earlier row
        used, in file order; an error for each other one: each may appear once in a file."""
        pairs = [identity(record) for record in records]
        row_of = {
            key: sighting.row
            for key, sighting in self.index.earlier(
                (f"{kind}:{column}", value) for pair in pairs for column, value in pair if value
            ).items()
        }
        firsts, sightings = [], []
        for record, pair in zip(records, pairs, strict=True):
            keys = [(f"{kind}:{column}", column, value) for column, value in pair if value]
            clash = next((key for key in keys if (key[0], key[2]) in row_of), None)
            if clash:
                scope, column, value = clash
                self.report.error(
                    record.source.error(
                        column, f"Also on row {row_of[scope, value]}; each may appear once.", value
                    )
                )
                continue
            source = record.source
            for scope, _column, value in keys:
                row_of[scope, value] = source.row
                sightings.append((scope, value, source.row, source.sheet, {}))
            (_column, external_id), _key = pair
            if external_id.isdigit():
                sightings.append((f"{kind}:numeric", external_id, source.row, source.sheet, {}))
            firsts.append(record)
        self.index.add(sightings)
        if firsts:
            self.listed.add(kind)
        return firsts

    def _zero_padded_ids(self, role: str) -> dict[str, str]:
        """Existing ids with leading zeros, by the id Excel would have made of them."""
        ids = Membership.objects.filter(
            centre=self.centre, role=role, external_id__startswith="0"
        ).values_list("external_id", flat=True)
        return {value.lstrip("0"): value for value in ids if value.isdigit()}

    def _lost_zeros(self, record: PersonRecord, padded: dict[str, str], role: str) -> bool:
        original = padded.get(record.external_id)
        if original and original != record.external_id:
            self.report.error(
                record.source.error(
                    ID_COLUMN[role],
                    f"Leading zeros seem lost: this centre has id {original}. Format the column "
                    "as Text in the spreadsheet and export again.",
                    record.external_id,
                )
            )
            return True
        return False

    def _check_padding(self, role: str) -> None:
        """Ids the file itself pads with zeros: a shorter all-digit id has lost its zeros."""
        width, short = self.index.short_of_padding(f"{role}:numeric")
        for value, row, sheet in short:
            self.report.error(
                Source(row, sheet).error(
                    ID_COLUMN[role],
                    f"Other ids in this file have {width} digits with leading zeros; this one "
                    "seems to have lost them (format the column as Text).",
                    value,
                )
            )

    def _match(self, role: str, records: list, *, id_column: str) -> list[Person]:
        """Find each record's account and membership (by external id, then e-mail); write new
        and changed ones in bulk. An existing account that is neither in this centre nor kept by
        it is invited instead of attached, and only accounts the centre keeps have their details
        brought up to date (portal.centres.identity)."""
        ids = [r.external_id for r in records if r.external_id]
        emails = [r.email for r in records]
        members = Membership.objects.filter(centre=self.centre, role=role).filter(
            Q(external_id__in=ids) | Q(user__email__in=emails)
        )
        members = list(members.select_related("user"))
        by_id = {m.external_id: m for m in members if m.external_id}
        by_user = {m.user_id: m for m in members}
        users = {u.email: u for u in User.objects.filter(email__in=emails)}
        joinable = self._joinable([u.pk for u in users.values()])
        already_invited = set(
            Invitation.objects.filter(centre=self.centre, role=role, user__in=users.values())
            .pending()
            .values_list("user_id", flat=True)
        )
        people, new_users, changed_members, wanted = [], [], [], []
        for record in records:
            by_email = users.get(record.email)
            membership = by_id.get(record.external_id) if record.external_id else None
            if membership is None and by_email is not None:
                membership = by_user.get(by_email.pk)
                if membership and membership.external_id and record.external_id:
                    self.report.error(
                        record.source.error(
                            "email",
                            f"This e-mail belongs to the person with id {membership.external_id}.",
                            record.email,
                        )
                    )
                    continue
            if (
                membership is not None
                and by_email is not None
                and by_email.pk != membership.user_id
            ):
                self.report.error(
                    record.source.error(
                        "email", "Another account already uses this e-mail.", record.email
                    )
                )
                continue
            if membership is None and by_email is not None and is_platform_account(by_email):
                self.report.error(
                    record.source.error(
                        "email",
                        "This address belongs to a platform account, which cannot be added to "
                        "a centre.",
                        record.email,
                    )
                )
                continue
            if membership is None and by_email is not None and by_email.pk not in joinable:
                invited = by_email.pk not in already_invited
                people.append(Person(record, by_email, None, is_new=invited, invited=True))
                continue
            if membership is None:
                user = by_email or self._new_user(record)
                if by_email is None:
                    new_users.append(user)
                membership = Membership(
                    user=user, centre=self.centre, role=role, external_id=record.external_id
                )
                person = Person(record, user, membership, is_new=True)
            else:
                person = Person(record, membership.user, membership, is_new=False)
                if record.external_id and membership.external_id != record.external_id:
                    person.fields.append((id_column, membership.external_id, record.external_id))
                    membership.external_id = record.external_id
                if not membership.is_active:
                    person.fields.append(("active", "no", "yes"))
                    membership.is_active = True
                if person.fields:
                    changed_members.append(membership)
            if person.user.pk is not None:
                wanted.append(person)
            people.append(person)
        User.objects.bulk_create(new_users)
        updated = identities_update(
            centre=self.centre, wanted=[(p.user, self._details(p.record)) for p in wanted]
        )
        by_account = {change.user.pk: change for change in updated}
        for person in wanted:
            change = by_account.get(person.user.pk)
            if change is None or person.is_new:
                continue
            person.fields.extend(change.written)
            if change.email_requested:
                person.fields.append(
                    ("email", person.user.email, f"{change.email_requested} (once they confirm)")
                )
        Membership.objects.bulk_create([p.membership for p in people if p.is_new and not p.invited])
        Membership.objects.bulk_update(changed_members, ["external_id", "is_active"])
        return people

    def _joinable(self, user_ids: list[int]) -> set[int]:
        """Accounts this centre may give a role without asking: already in it, or kept by it."""
        here = Membership.objects.filter(centre=self.centre, user_id__in=user_ids)
        kept = accounts_owned_by(self.centre).filter(pk__in=user_ids)
        return set(here.values_list("user_id", flat=True)) | set(kept.values_list("pk", flat=True))

    def _new_user(self, record) -> User:
        """An account for someone new to the portal, kept by this centre."""
        return User(
            email=record.email,
            password=self.password,
            is_active=True,
            created_by_centre=self.centre,
            **self._details(record, with_email=False),
        )

    @staticmethod
    def _details(record, *, with_email: bool = True) -> dict[str, str]:
        """The details a row gives; a blank never clears one (a guardian may be named on a row
        with only an e-mail)."""
        details = {"email": record.email} if with_email else {}
        for name in ("first_name", "last_name", "phone"):
            if value := getattr(record, name):
                details[name] = value
        return details

    def _note_invited_places(self, people: list[Person]) -> None:
        for person in people:
            if person.invited and getattr(person.record, "class_codes", None):
                person.classes |= {self.classes[code].pk for code in person.record.class_codes}

    def _offer_invitations(self, role: str, people: list[Person]) -> None:
        """Invite (or bring up to date the invitations of) the chunk's people whose accounts
        the centre may not attach; their places wait in the invitation."""
        for person in people:
            if person.invited:
                invitation_offer(
                    centre=self.centre,
                    user=person.user,
                    email=person.record.email,
                    role=role,
                    external_id=person.record.external_id or "",
                    classes=person.classes,
                    children=person.children.items(),
                    guardians=person.guardians.items(),
                )

    def _write_year_groups(self, people: list[Person]) -> None:
        people = [p for p in people if p.record.year_group]
        current = StudentYearGroup.objects.in_bulk([p.membership.pk for p in people])
        new, changed = [], []
        for person in people:
            placed = current.get(person.membership.pk)
            if placed is None:
                new.append(
                    StudentYearGroup(
                        membership=person.membership, year_group=person.record.year_group
                    )
                )
                if not person.is_new:
                    person.fields.append(("year_group", "", person.record.year_group))
            elif placed.year_group != person.record.year_group:
                person.fields.append(("year_group", placed.year_group, person.record.year_group))
                placed.year_group = person.record.year_group
                changed.append(placed)
        StudentYearGroup.objects.bulk_create(new)
        StudentYearGroup.objects.bulk_update(changed, ["year_group"])

    def _write_class_links(self, role: str, people: list[Person]) -> None:
        people = [p for p in people if p.record.class_codes is not None]
        if not people:
            return
        links = (EnrollmentLinks if role == Role.STUDENT else TeachingLinks)(
            self.centre, self.today
        )
        current = links.current(p.user.pk for p in people)
        added, reopened, closed = [], [], []
        for person in people:
            have = current.get(person.user.pk, {})
            wanted = {self.classes[code].pk for code in person.record.class_codes}
            before = sorted(self.code_of[c] for c, (_pk, is_open) in have.items() if is_open)
            added += [(person.user.pk, c) for c in wanted - have.keys()]
            reopened += [have[c][0] for c in wanted & have.keys() if not have[c][1]]
            if self.mirror:
                closed += [pk for c, (pk, is_open) in have.items() if is_open and c not in wanted]
                after = sorted(self.code_of[c] for c in wanted)
            else:
                after = sorted({self.code_of[c] for c in wanted} | set(before))
            if after != before and not person.is_new:
                person.fields.append(("classes", " ".join(before), " ".join(after)))
        links.add(added)
        links.reopen(reopened)
        links.close(closed)
        self.report.count("class places", "added", len(added) + len(reopened))
        self.report.count("class places", "ended", len(closed))

    def _join_staff_group(self, people: list[Person]) -> None:
        if self.centre.teacher_group_id is None:
            return
        through = User.groups.through
        through.objects.bulk_create(
            [through(user_id=p.user.pk, group_id=self.centre.teacher_group_id) for p in people],
            ignore_conflicts=True,
        )

    # -- guardians ---------------------------------------------------------------------------

    def _write_guardians(self, students: list[Person]) -> None:
        pairs, named_first_here = self._agreeing_guardians(
            [
                (student, guardian)
                for student in students
                for guardian in student.record.guardians or ()
            ]
        )
        first_named: dict[str, GuardianRecord] = {}
        for _student, guardian in pairs:
            first_named.setdefault(guardian.key, guardian)
        distinct = list(first_named.values())
        guardians = self._match(Role.GUARDIAN, distinct, id_column="id")
        by_key = {}
        for guardian in guardians:
            key = guardian.record.key
            by_key[key] = guardian
            if key not in named_first_here:
                continue  # counted where the file first names them
            self.report.change(
                source=guardian.record.source,
                entity="guardians",
                action=self._outcome(guardian),
                label=guardian.record.label,
                fields=guardian.fields,
            )
        links = {
            (g_id, s_id): (pk, relationship)
            for pk, g_id, s_id, relationship in Guardianship.objects.filter(
                centre=self.centre, student_id__in=[s.user.pk for s in students]
            ).values_list("pk", "guardian_id", "student_id", "relationship")
        }
        new, changed = [], []
        for student, record in pairs:
            guardian = by_key.get(record.key)
            if guardian is None:
                continue  # its problem is already reported
            if guardian.invited or student.invited:
                # The link waits in the invitation(s) until the invited side accepts.
                guardian.children[student.user.pk] = record.relationship
                student.guardians[guardian.user.pk] = record.relationship
                continue
            slot = record.source.prefix.rstrip("_") or "guardian"
            current = links.get((guardian.user.pk, student.user.pk))
            if current is None:
                new.append(
                    Guardianship(
                        centre=self.centre,
                        guardian=guardian.user,
                        student=student.user,
                        relationship=record.relationship,
                    )
                )
                if not student.is_new:
                    student.fields.append((slot, "", record.email))
            elif current[1] != record.relationship:
                changed.append(Guardianship(pk=current[0], relationship=record.relationship))
                student.fields.append((f"{slot} relationship", current[1], record.relationship))
        Guardianship.objects.bulk_create(new)
        Guardianship.objects.bulk_update(changed, ["relationship"])
        self.report.count("guardian links", "added", len(new))
        self._offer_invitations(Role.GUARDIAN, guardians)

    def _agreeing_guardians(self, pairs: list[tuple[Person, GuardianRecord]]):
        """A guardian is one person: every row naming them must agree on who they are. Returns
        the (student, guardian) pairs that do, and the guardians this chunk names first."""
        sightings = {
            key: sighting
            for (_scope, key), sighting in self.index.earlier(
                ("guardian", guardian.key) for _student, guardian in pairs
            ).items()
        }
        agreeing, named_first_here, new_sightings = [], set(), []
        for student, guardian in pairs:
            if guardian.email == student.record.email:
                self.report.error(
                    guardian.source.error(
                        "email", "A student cannot be their own guardian.", guardian.email
                    )
                )
                continue
            key = guardian.key
            said = {name: getattr(guardian, name) or "" for name in GUARDIAN_DETAILS}
            first = sightings.get(key)
            if first is None:
                sightings[key] = Sighting(guardian.source.row, said)
                named_first_here.add(key)
                source = guardian.source
                new_sightings.append(("guardian", key, source.row, source.sheet, said))
            elif disagreement := next(
                (
                    name
                    for name in GUARDIAN_DETAILS
                    if said[name] and first.details[name] and said[name] != first.details[name]
                ),
                None,
            ):
                self.report.error(
                    guardian.source.error(
                        disagreement,
                        f"Row {first.row} gives this guardian's {disagreement.replace('_', ' ')} "
                        f"as “{first.details[disagreement]}”; a guardian must be the same on "
                        "every row.",
                        said[disagreement],
                    )
                )
                continue
            agreeing.append((student, guardian))
        self.index.add(new_sightings)
        return agreeing, named_first_here

    # -- mirror mode -------------------------------------------------------------------------

    def _deactivate_missing(self, role: str) -> None:
        """Mirror mode: members of this role who are not in the file lose access (not history)."""
        missing = Membership.objects.filter(centre=self.centre, role=role, is_active=True).exclude(
            user_id__in=self.index.ids_under(f"{role}:user")
        )
        listed = list(missing.select_related("user")[:MAX_LISTED_CHANGES])
        for membership in listed:
            label = str(membership.user)
            if membership.external_id:
                label = f"{label} ({membership.external_id})"
            self.report.change(
                source=None,
                entity=ENTITY[role],
                action="deactivated",
                label=label,
                fields=[("active", "yes", "no")],
            )
        if role == Role.TEACHER and self.centre.teacher_group_id:
            User.groups.through.objects.filter(
                group_id=self.centre.teacher_group_id, user_id__in=missing.values("user_id")
            ).delete()
        deactivated = missing.update(is_active=False)
        self.report.count(ENTITY[role], "deactivated", deactivated - len(listed))
