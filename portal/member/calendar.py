"""A person's private iCalendar feed: the due times of the homework they (or their children)
have, at a secret address they can revoke by resetting it."""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from icalendar import Calendar, Event

from portal.accounts.models import User
from portal.homework.models import Homework
from portal.member.models import CalendarFeed, new_feed_token

PAST_DAYS = 60


def calendar_feed_for(*, user: User) -> CalendarFeed:
    feed, _created = CalendarFeed.objects.get_or_create(user=user)
    return feed


def calendar_feed_reset(*, user: User) -> CalendarFeed:
    """A new secret address; the old one stops working at once."""
    feed = calendar_feed_for(user=user)
    feed.token = new_feed_token()
    feed.save(update_fields=["token", "created_at"])
    return feed


def calendar_ics(*, user: User, now: dt.datetime) -> bytes:
    homework = (
        Homework.objects.visible_to(user)
        .filter(live=True, due_at__gte=now - dt.timedelta(days=PAST_DAYS))
        .select_related("school_class__centre")
        .order_by("due_at")
    )
    calendar = Calendar()
    calendar.add("prodid", "-//School Portal//Homework due dates//EN")
    calendar.add("version", "2.0")
    calendar.add("x-wr-calname", "Homework due")
    base = settings.PORTAL_BASE_URL.rstrip("/")
    for item in homework:
        event = Event()
        event.add("uid", f"homework-{item.pk}@school-portal")
        event.add("dtstamp", now)
        event.add("dtstart", item.due_local)
        event.add("dtend", item.due_local)
        event.add("summary", f"Due: {item.title} ({item.school_class.code})")
        event.add("description", f"{item.school_class.name}, {item.school_class.centre.name}")
        event.add("url", base + item.get_member_url())
        calendar.add_component(event)
    return calendar.to_ical()
