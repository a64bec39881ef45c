"""The question the insights answer: which period (30 / 90 / 365 days or a custom range), which severity, service
and team, drills in or out. The page, the CSV, the API and the drill-down lists read it from one form."""

from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta

from django import forms
from django.utils import timezone

from incidents.models import Service, Severity, Team

PERIODS = [30, 90, 365]
MAX_DAYS = 3660


@dataclass(frozen=True)
class Filters:
    start: datetime  # inclusive, UTC
    end: datetime  # exclusive, UTC
    severity: str = ""
    service: Service | None = None
    team: Team | None = None
    include_drills: bool = False

    @property
    def last_day(self) -> date:
        return (self.end - timedelta(days=1)).date()

    @property
    def days(self) -> int:
        return max(1, round((self.end - self.start) / timedelta(days=1)))

    def query(self, **extra) -> dict[str, str]:
        """The query string that asks for the same figures (used by every link of the page)."""
        params = {"start": self.start.date().isoformat(), "end": self.last_day.isoformat()}
        if self.severity:
            params["severity"] = self.severity
        if self.service:
            params["service"] = self.service.slug
        if self.team:
            params["team"] = self.team.slug
        if self.include_drills:
            params["include_drills"] = "true"
        params.update({k: str(v) for k, v in extra.items() if v not in (None, "")})
        return params


class InsightsFilterForm(forms.Form):
    days = forms.IntegerField(required=False, min_value=1, max_value=MAX_DAYS, label="Period (days)")
    start = forms.DateField(required=False, label="From (UTC)", widget=forms.DateInput(attrs={"type": "date"}))
    end = forms.DateField(required=False, label="To (UTC, inclusive)", widget=forms.DateInput(attrs={"type": "date"}))
    severity = forms.ChoiceField(required=False, choices=[("", "Any severity"), *Severity.choices])
    service = forms.SlugField(required=False)
    team = forms.SlugField(required=False)
    include_drills = forms.CharField(required=False, label="Include drills")

    def clean_service(self):
        slug = self.cleaned_data.get("service")
        if not slug:
            return None
        service = Service.objects.filter(slug=slug).first()
        if service is None:
            raise forms.ValidationError(f"There is no service “{slug}”; use a slug from the admin's service list.")
        return service

    def clean_team(self):
        slug = self.cleaned_data.get("team")
        if not slug:
            return None
        team = Team.objects.filter(slug=slug).first()
        if team is None:
            raise forms.ValidationError(f"There is no team “{slug}”; use a slug from the admin's team list.")
        return team

    def clean_include_drills(self):
        value = (self.cleaned_data.get("include_drills") or "").strip().lower()
        if value in ("", "0", "false", "no", "off"):
            return False
        if value in ("1", "true", "yes", "on"):
            return True
        raise forms.ValidationError("Say true or false.")

    def clean(self):
        data = super().clean()
        start, end = data.get("start"), data.get("end")
        if (start or end) and data.get("days"):
            self.add_error("days", "Give either a number of days or a from/to range, not both.")
        if bool(start) != bool(end) and not self.errors:
            self.add_error("start" if not start else "end", "A custom range needs both a start and an end date.")
        if start and end and start > end:
            self.add_error("end", "The end date is before the start date.")
        if start and end and (end - start).days >= MAX_DAYS:
            self.add_error("end", f"A range may span at most {MAX_DAYS} days.")
        return data

    def filters(self, today: date | None = None) -> Filters:
        """The cleaned question; call after is_valid()."""
        data = self.cleaned_data
        if data.get("start") and data.get("end"):
            first, last = data["start"], data["end"]
        else:
            today = today or timezone.now().astimezone(UTC).date()
            last = today
            first = today - timedelta(days=(data.get("days") or PERIODS[0]) - 1)
        return Filters(
            start=datetime.combine(first, time.min, tzinfo=UTC),
            end=datetime.combine(last + timedelta(days=1), time.min, tzinfo=UTC),
            severity=data.get("severity") or "",
            service=data.get("service"),
            team=data.get("team"),
            include_drills=bool(data.get("include_drills")),
        )


def errors_as_text(form: forms.Form) -> str:
    return "; ".join(f"{field}: {' '.join(messages)}" for field, messages in form.errors.items())
