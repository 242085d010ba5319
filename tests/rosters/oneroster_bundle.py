"""A OneRoster 1.1 CSV bundle built from the specification's column lists (every column, in the
spec's order), with two schools, so tests prove that only this centre's school is imported.

bundle() is the zip; tests that need a bundle with a mistake change bundle_files() (the rows) or
bundle_members() (the files, as bytes) and zip it with zip_of()."""

from __future__ import annotations

import csv
import io
import zipfile

SPEC_COLUMNS = {
    "orgs": "sourcedId,status,dateLastModified,name,type,identifier,parentSourcedId",
    "academicSessions": (
        "sourcedId,status,dateLastModified,title,type,startDate,endDate,parentSourcedId,schoolYear"
    ),
    "courses": (
        "sourcedId,status,dateLastModified,schoolYearSourcedId,title,courseCode,grades,"
        "orgSourcedId,subjects,subjectCodes"
    ),
    "classes": (
        "sourcedId,status,dateLastModified,title,grades,courseSourcedId,classCode,classType,"
        "location,schoolSourcedId,termSourcedIds,subjects,subjectCodes,periods"
    ),
    "users": (
        "sourcedId,status,dateLastModified,enabledUser,orgSourcedIds,role,username,userIds,"
        "givenName,familyName,middleName,identifier,email,sms,phone,agentSourcedIds,grades,password"
    ),
    "enrollments": (
        "sourcedId,status,dateLastModified,classSourcedId,schoolSourcedId,userSourcedId,role,"
        "primary,beginDate,endDate"
    ),
    "demographics": (
        "sourcedId,status,dateLastModified,birthDate,sex,americanIndianOrAlaskaNative,asian,"
        "blackOrAfricanAmerican,nativeHawaiianOrOtherPacificIslander,white,"
        "demographicRaceTwoOrMoreRaces,hispanicOrLatinoEthnicity,countryOfBirthCode,"
        "stateOfBirthAbbreviation,cityOfBirth,publicSchoolResidenceStatus"
    ),
}


def _csv(name: str, rows: list[dict]) -> str:
    columns = SPEC_COLUMNS[name].split(",")
    out = io.StringIO(newline="")
    writer = csv.DictWriter(out, columns, lineterminator="\r\n")
    writer.writeheader()
    for row in rows:
        writer.writerow({"status": "active", "dateLastModified": "2025-08-20T10:00:00.000Z", **row})
    return out.getvalue()


def user(sid, role, given, family, org="sch-1", agents="", grades="", **extra) -> dict:
    return {
        "sourcedId": sid,
        "enabledUser": "true",
        "orgSourcedIds": org,
        "role": role,
        "username": sid,
        "givenName": given,
        "familyName": family,
        "email": extra.pop("email", f"{sid}@or.example"),
        "agentSourcedIds": agents,
        "grades": grades,
        **extra,
    }


def bundle_files(*, student_email: str = "stu-1@or.example") -> dict[str, list[dict]]:
    """The rows of each file, by file name ("users"); users.csv lists students on rows 3 and 4."""
    return {
        "orgs": [
            {"sourcedId": "dist-1", "name": "River District", "type": "district"},
            {
                "sourcedId": "sch-1",
                "name": "Riverside",
                "type": "school",
                "parentSourcedId": "dist-1",
            },
            {
                "sourcedId": "sch-2",
                "name": "Elsewhere",
                "type": "school",
                "parentSourcedId": "dist-1",
            },
        ],
        "academicSessions": [
            {
                "sourcedId": "term-1",
                "title": "Autumn",
                "type": "term",
                "startDate": "2025-09-01",
                "endDate": "2025-12-19",
                "schoolYear": "2026",
            },
        ],
        "courses": [
            {
                "sourcedId": "crs-1",
                "title": "Geography 8",
                "courseCode": "GEO8",
                "orgSourcedId": "sch-1",
            },
        ],
        "classes": [
            {
                "sourcedId": "cls-1",
                "title": "Geography 8A",
                "grades": "08",
                "courseSourcedId": "crs-1",
                "classCode": "8G1",
                "classType": "scheduled",
                "schoolSourcedId": "sch-1",
                "termSourcedIds": "term-1",
                "subjects": "Geography",
            },
            {
                "sourcedId": "cls-9",
                "title": "Not ours",
                "courseSourcedId": "crs-1",
                "classCode": "X1",
                "classType": "scheduled",
                "schoolSourcedId": "sch-2",
                "termSourcedIds": "term-1",
            },
        ],
        "users": [
            user("tea-1", "teacher", "Grace", "Hopper"),
            user(
                "stu-1",
                "student",
                "Ada",
                "Lovelace",
                agents="par-1,par-2",
                grades="08",
                email=student_email,
            ),
            user("stu-2", "student", "Alan", "Turing", grades="08"),
            user("par-1", "parent", "Anne", "Lovelace", agents="stu-1", phone="+44 20 0000 0001"),
            user("par-2", "guardian", "Mary", "Somerville", agents="stu-1"),
            user("par-3", "parent", "Ethel", "Turing", agents="stu-2"),
            user("stu-9", "student", "Other", "School", org="sch-2"),
        ],
        "enrollments": [
            {
                "sourcedId": "enr-1",
                "classSourcedId": "cls-1",
                "schoolSourcedId": "sch-1",
                "userSourcedId": "tea-1",
                "role": "teacher",
                "primary": "true",
            },
            {
                "sourcedId": "enr-2",
                "classSourcedId": "cls-1",
                "schoolSourcedId": "sch-1",
                "userSourcedId": "stu-1",
                "role": "student",
                "primary": "false",
            },
            {
                "sourcedId": "enr-3",
                "classSourcedId": "cls-1",
                "schoolSourcedId": "sch-1",
                "userSourcedId": "stu-2",
                "role": "student",
                "primary": "false",
            },
            {
                "sourcedId": "enr-9",
                "classSourcedId": "cls-9",
                "schoolSourcedId": "sch-2",
                "userSourcedId": "stu-9",
                "role": "student",
                "primary": "false",
            },
        ],
        "demographics": [{"sourcedId": "stu-1", "birthDate": "2012-03-04", "sex": "female"}],
    }


def bundle_members(files: dict[str, list[dict]], *, version: str = "1.1") -> dict[str, bytes]:
    """The files of the zip, by name: the manifest and one CSV per entry of `files`."""
    manifest = [("manifest.version", "1.0"), ("oneroster.version", version)]
    manifest += [(f"file.{name}", "bulk") for name in files]
    manifest += [
        (f"file.{name}", "absent")
        for name in (
            "categories",
            "classResources",
            "courseResources",
            "lineItems",
            "resources",
            "results",
        )
    ]
    manifest += [("source.systemName", "Test SIS"), ("source.systemCode", "test")]
    lines = "propertyName,value\r\n" + "".join(f"{k},{v}\r\n" for k, v in manifest)
    members = {"manifest.csv": lines.encode()}
    members.update({f"{name}.csv": _csv(name, rows).encode() for name, rows in files.items()})
    return members


def zip_of(members: dict[str, bytes], *, compression: int = zipfile.ZIP_DEFLATED) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", compression=compression) as archive:
        for name, content in members.items():
            archive.writestr(name, content)
    return out.getvalue()


def bundle(*, student_email: str = "stu-1@or.example", version: str = "1.1") -> bytes:
    files = bundle_files(student_email=student_email)
    return zip_of(bundle_members(files, version=version))
